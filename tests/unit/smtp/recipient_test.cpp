// Recipient rules: <number>@<sms_domain> -> number text, everything else refused with a reason.
#include "smtp/recipient.hpp"

#include <gtest/gtest.h>

#include "smtp/errc.hpp"

namespace diskret::smtp {
namespace {

TEST(Recipient, TakesTheNumberOfAnSmsDomainAddress) {
  EXPECT_EQ(sms_recipient("+4915112345678@sms.example.com", "sms.example.com").value(),
            "+4915112345678");
  EXPECT_EQ(sms_recipient("015112345678@sms.example.com", "sms.example.com").value(),
            "015112345678");
  EXPECT_EQ(sms_recipient("0049-151-1234.5678@sms.example.com", "sms.example.com").value(),
            "004915112345678");
  EXPECT_EQ(sms_recipient("\"+49 (151) 12345678\"@sms.example.com", "sms.example.com").value(),
            "+4915112345678");
  EXPECT_EQ(sms_recipient("+4915112345678@SMS.Example.COM.", "sms.example.com").value(),
            "+4915112345678");
  EXPECT_EQ(sms_recipient("12345@sms.example.com", "sms.example.com").value(), "12345");
}

TEST(Recipient, RefusesOtherDomains) {
  for (auto address : {"+4915112345678@example.com", "+4915112345678@sms.example.com.evil",
                       "+4915112345678@xsms.example.com", "+4915112345678@[127.0.0.1]"}) {
    auto r = sms_recipient(address, "sms.example.com");
    ASSERT_FALSE(r) << address;
    EXPECT_EQ(r.error().code, Errc::foreign_domain) << address;
  }
}

TEST(Recipient, RefusesLocalPartsThatAreNoNumbers) {
  struct Case {
    const char* local;
    const char* reason;
  };
  for (auto [local, reason] : {
           Case{"hello", "must be a phone number"},
           Case{"0151x2345678", "must be a phone number"},
           Case{"49+151", "'+' may only start"},
           Case{"++49151", "'+' may only start"},
           Case{"+12", "too short"},
           Case{"123456789012345678901", "too long"},
           Case{"", "number@domain"},
       }) {
    auto r = sms_recipient(std::string(local) + "@sms.example.com", "sms.example.com");
    ASSERT_FALSE(r) << local;
    EXPECT_NE(r.error().detail.find(reason), std::string::npos)
        << local << ": " << r.error().detail;
  }
}

TEST(Recipient, ParsesMailboxes) {
  auto box = parse_mailbox("\"a\\\"b@c\"@Example.org");
  ASSERT_TRUE(box);
  EXPECT_EQ(box->local_part, "a\"b@c");
  EXPECT_EQ(box->domain, "Example.org");
  EXPECT_FALSE(parse_mailbox("nodomain@"));
  EXPECT_FALSE(parse_mailbox("@nolocal"));
  EXPECT_FALSE(parse_mailbox("\"open@x"));
  EXPECT_FALSE(parse_mailbox("a\r\n@x"));
  EXPECT_FALSE(parse_mailbox("a@x y"));
}

TEST(Recipient, MatchesDomainsCaseInsensitively) {
  EXPECT_TRUE(domain_matches("SMS.localhost", "sms.localhost"));
  EXPECT_TRUE(domain_matches("sms.localhost.", "sms.localhost"));
  EXPECT_FALSE(domain_matches("", ""));
  EXPECT_FALSE(domain_matches("sms.localhos", "sms.localhost"));
}

}  // namespace
}  // namespace diskret::smtp
