#include "fraud/link_check.hpp"

#include <gtest/gtest.h>

namespace diskret::fraud {
namespace {

std::string kind(const LinkCheck& c, std::string_view text) {
  auto f = c.check(text);
  return f ? f->kind + ":" + f->host : "";
}

TEST(LinkCheck, FlagsShortenersWithAndWithoutScheme) {
  LinkCheck c;
  EXPECT_EQ(kind(c, "Ihr Paket: https://bit.ly/3xYz"), "url_shortener:bit.ly");
  EXPECT_EQ(kind(c, "Paket wartet: tinyurl.com/abc."), "url_shortener:tinyurl.com");
  EXPECT_EQ(kind(c, "(HTTPS://T.CO/x)"), "url_shortener:t.co");
}

TEST(LinkCheck, FlagsPhishingPatterns) {
  LinkCheck c;
  EXPECT_EQ(kind(c, "Konto gesperrt: http://192.168.10.7/login"), "ip_address_host:192.168.10.7");
  EXPECT_EQ(kind(c, "https://www.paypal.com@evil.example/x"), "userinfo:evil.example");
  EXPECT_EQ(kind(c, "https://xn--pypal-4ve.com/"), "punycode_host:xn--pypal-4ve.com");
  EXPECT_EQ(kind(c, "https://secure-login-bank.example/"), "credential_bait:secure-login-bank.example");
  EXPECT_EQ(kind(c, "https://account-verify.example/"), "credential_bait:account-verify.example");
  EXPECT_EQ(kind(c, "http://[2001:db8::1]/"), "ip_address_host:[2001:db8::1]");
}

TEST(LinkCheck, LeavesOrdinaryTextsAlone) {
  LinkCheck c({"sms.shop.example"});
  for (std::string_view text :
       {"Ihre Bestellung 123 ist unterwegs: https://shop.example/orders/123",
        "Termin z.B. morgen um 3.50 Uhr", "Fragen? info@shop.example", "Preis 12.99 EUR.",
        "Ihr Code: 123456", "https://sms.shop.example/l/AbC123", "Login unter https://shop.example/login",
        "www.stadtwerke-musterstadt.de"}) {
    EXPECT_EQ(kind(c, text), "") << text;
  }
}

}  // namespace
}  // namespace diskret::fraud
