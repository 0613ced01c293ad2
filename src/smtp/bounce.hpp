#pragma once
/// A delivery status notification (RFC 3464 multipart/report) for an SMS that came in by
/// email and did not reach the phone: sent to the mail's sender. Privacy first: it names
/// the number only masked and the reason, never the message text (the original message
/// is not attached, only its diskret id).
#include <string>

namespace diskret::smtp {

struct Bounce {
  std::string reporting_host;  ///< our host name: "sms.example.com"
  std::string from;            ///< "MAILER-DAEMON@sms.example.com"
  std::string to;              ///< the sender of the original mail
  std::string masked_number;   ///< "+49151*****678"
  std::string sms_domain;      ///< "sms.example.com": the recipient was <number>@sms_domain
  std::string message_id;      ///< diskret's public message id
  std::string outcome;         ///< "failed", "expired" or "rejected"
  std::string reason;          ///< a sentence without personal data
  std::string date;            ///< RFC 5322 date of the report
  std::string boundary;        ///< MIME boundary, not present in the parts
};

/// The whole message (headers and body, CRLF line ends), ready for DATA. Values are
/// stripped of CR, LF and other control characters, so nothing can inject a header.
std::string compose_bounce(const Bounce& bounce);

/// "Mon, 30 Nov 2026 04:40:00 +0000" for seconds since the epoch (UTC).
std::string rfc5322_date(long long unix_seconds);

}  // namespace diskret::smtp
