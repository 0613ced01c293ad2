// The bounce for an email-to-SMS message that failed: RFC 3464 shape, masked number and
// reason only, no header injection.
#include "smtp/bounce.hpp"

#include <gtest/gtest.h>

namespace diskret::smtp {
namespace {

Bounce sample() {
  Bounce b;
  b.reporting_host = "sms.example.com";
  b.from = "MAILER-DAEMON@sms.example.com";
  b.to = "praxis@example.org";
  b.masked_number = "+49151*****678";
  b.sms_domain = "sms.example.com";
  b.message_id = "msg_01HZX";
  b.outcome = "rejected";
  b.reason = "The carrier refused the destination number.";
  b.date = rfc5322_date(1'764'477'600);
  b.boundary = "=_diskret_1";
  return b;
}

TEST(Bounce, IsAMultipartReportWithADeliveryStatusPart) {
  const std::string m = compose_bounce(sample());
  EXPECT_NE(m.find("To: <praxis@example.org>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Auto-Submitted: auto-replied\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: multipart/report; report-type=delivery-status;\r\n "
                   "boundary=\"=_diskret_1\""),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; "
                   "sms.example.com\r\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Final-Recipient: rfc822; +49151*****678@sms.example.com\r\n"
                   "Action: failed\r\nStatus: 5.1.1\r\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Reason: The carrier refused the destination number."), std::string::npos);
  EXPECT_NE(m.find("Message id: msg_01HZX"), std::string::npos);
  const std::string end = "--=_diskret_1--\r\n";
  EXPECT_EQ(m.substr(m.size() - end.size()), end);
  EXPECT_EQ(m.find("\n", 0) - 1, m.find("\r\n", 0)) << "CRLF line ends";
}

TEST(Bounce, ExpiredMessagesGetTheDeliveryTimeExpiredStatus) {
  auto b = sample();
  b.outcome = "expired";
  const std::string m = compose_bounce(b);
  EXPECT_NE(m.find("Status: 4.4.7\r\n"), std::string::npos);
  EXPECT_NE(m.find("could not be delivered before it expired"), std::string::npos);
}

TEST(Bounce, NothingInjectsAHeaderOrRevealsTheFullNumber) {
  auto b = sample();
  b.to = "victim@example.org\r\nBcc: everyone@example.org";
  b.reason = "bad\r\nX-Injected: yes";
  const std::string m = compose_bounce(b);
  EXPECT_EQ(m.find("\r\nBcc:"), std::string::npos) << m;
  EXPECT_EQ(m.find("\r\nX-Injected"), std::string::npos) << m;
  EXPECT_EQ(m.find("4915112345678"), std::string::npos);
}

TEST(Bounce, DatesAreRfc5322InUtc) {
  EXPECT_EQ(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(rfc5322_date(1'764'477'600), "Sun, 30 Nov 2025 04:40:00 +0000");
}

}  // namespace
}  // namespace diskret::smtp
