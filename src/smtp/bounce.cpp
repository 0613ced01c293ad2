#include "smtp/bounce.hpp"

#include <ctime>

#include <fmt/format.h>

namespace diskret::smtp {
namespace {

std::string clean(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if (c >= 0x20 && c != 0x7F) out.push_back(static_cast<char>(c));
  }
  return out;
}

// RFC 3463 status codes: a recipient the carrier refused vs. one it could not reach.
const char* status_code(const std::string& outcome) {
  if (outcome == "rejected") return "5.1.1";
  if (outcome == "expired") return "4.4.7";
  return "5.0.0";
}

const char* sentence(const std::string& outcome) {
  if (outcome == "rejected") return "was refused and not sent";
  if (outcome == "expired") return "could not be delivered before it expired";
  return "could not be delivered";
}

}  // namespace

std::string rfc5322_date(long long unix_seconds) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string compose_bounce(const Bounce& b) {
  const std::string host = clean(b.reporting_host);
  const std::string number = clean(b.masked_number);
  const std::string id = clean(b.message_id);
  const std::string reason = clean(b.reason);
  const std::string boundary = clean(b.boundary);
  const std::string recipient = number + "@" + clean(b.sms_domain);
  std::string m;
  m += "From: " + clean(b.from) + "\r\n";
  m += "To: <" + clean(b.to) + ">\r\n";
  m += "Subject: SMS not delivered: " + number + "\r\n";
  m += "Date: " + clean(b.date) + "\r\n";
  m += "Message-ID: <bounce-" + id + "@" + host + ">\r\n";
  // RFC 3834: an automatic answer, so that autoresponders do not answer it in turn.
  m += "Auto-Submitted: auto-replied\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/report; report-type=delivery-status;\r\n boundary=\"" +
       boundary + "\"\r\n\r\n";
  m += "This is a delivery status notification in MIME format.\r\n\r\n";
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\n\r\n";
  m += "Your SMS to " + number + " " + sentence(b.outcome) + ".\r\n\r\n";
  m += "Reason: " + reason + "\r\n";
  m += "Message id: " + id + "\r\n\r\n";
  m += "The text of your message is not repeated here, to protect it.\r\n\r\n";
  m += "--" + boundary + "\r\n";
  m += "Content-Type: message/delivery-status\r\n\r\n";
  m += "Reporting-MTA: dns; " + host + "\r\n";
  m += "X-Diskret-Message-ID: " + id + "\r\n\r\n";
  m += "Final-Recipient: rfc822; " + recipient + "\r\n";
  m += "Action: failed\r\n";  // final in every case: diskret does not try again
  m += std::string("Status: ") + status_code(b.outcome) + "\r\n";
  m += "Diagnostic-Code: x-diskret; " + reason + "\r\n";
  m += "Last-Attempt-Date: " + clean(b.date) + "\r\n\r\n";
  m += "--" + boundary + "--\r\n";
  return m;
}

}  // namespace diskret::smtp
