#include "inbound/webhook_settings.hpp"

#include <gtest/gtest.h>

#include <array>

namespace diskret::inbound {
namespace {

Expected<WebhookTarget> parse_public(std::string_view url) {
  return parse_webhook_url(url, PrivateHosts::refuse);
}

TEST(WebhookUrl, TakesAPlainHttpsUrlApart) {
  auto t = parse_public("HTTPS://Hooks.Example.com/diskret/in?tenant=7&x=%20y");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_TRUE(t->tls);
  EXPECT_EQ(t->host, "hooks.example.com");
  EXPECT_EQ(t->port, 443);
  EXPECT_EQ(t->host_header, "hooks.example.com");
  EXPECT_EQ(t->target, "/diskret/in?tenant=7&x=%20y");
  EXPECT_EQ(t->url, "https://hooks.example.com/diskret/in?tenant=7&x=%20y");
}

TEST(WebhookUrl, ExplicitPortsAndEmptyPaths) {
  auto t = parse_public("http://example.com:8080");
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->tls);
  EXPECT_EQ(t->port, 8080);
  EXPECT_EQ(t->host_header, "example.com:8080");
  EXPECT_EQ(t->target, "/");
  auto d = parse_public("http://example.com:80/x");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->host_header, "example.com");
}

TEST(WebhookUrl, RefusesOtherSchemesUserinfoAndFragments) {
  for (const char* url : {"ftp://example.com/", "javascript:alert(1)", "file:///etc/passwd",
                          "https://user:pw@example.com/", "https://user@example.com/",
                          "https://example.com/#frag", "//example.com/", "example.com/hook",
                          "https:///path", "https://exa%41mple.com/", "https://example.com:0/",
                          "https://example.com:65536/", "https://example.com:99999999/", ""}) {
    auto t = parse_public(url);
    EXPECT_FALSE(t) << url;
    if (!t) {
      EXPECT_EQ(t.error().code, Errc::invalid_url);
    }
  }
}

TEST(WebhookUrl, NoCrLfOrControlCharactersCanReachAHeader) {
  for (const char* url :
       {"https://example.com/\r\nX-Evil: 1", "https://example.com/a b", "https://example.com/\x7f",
        "https://example.com/\t", "https://example.com\n/", "https://ex\xC3\xA4mple.com/"}) {
    EXPECT_FALSE(parse_public(url)) << url;
  }
  EXPECT_FALSE(parse_public(std::string("https://example.com/") + std::string(2100, 'a')));
}

TEST(WebhookUrl, RefusesNonPublicHostsUnlessAllowed) {
  for (const char* url :
       {"http://127.0.0.1:8080/", "http://localhost/", "http://api.localhost/", "http://10.1.2.3/",
        "http://192.168.0.10/", "http://172.20.0.1/", "http://169.254.169.254/latest/meta-data",
        "http://[::1]:9000/", "http://[fd00::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/",
        "http://100.64.0.1/"}) {
    EXPECT_FALSE(parse_public(url)) << url;
    EXPECT_TRUE(parse_webhook_url(url, PrivateHosts::allow)) << url;
  }
  auto v6 = parse_webhook_url("http://[::1]:9000/hook", PrivateHosts::allow);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->host_header, "[::1]:9000");
  EXPECT_TRUE(parse_public("http://93.184.216.34/"));
  EXPECT_TRUE(parse_public("http://[2606:2800:220:1::1]/"));
}

TEST(PublicAddress, ClassifiesRanges) {
  auto v4 = [](std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return is_public_address(std::array<std::uint8_t, 4>{a, b, c, d});
  };
  EXPECT_TRUE(v4(8, 8, 8, 8));
  EXPECT_TRUE(v4(172, 32, 0, 1));
  EXPECT_TRUE(v4(100, 128, 0, 1));
  EXPECT_FALSE(v4(172, 31, 255, 255));
  EXPECT_FALSE(v4(224, 0, 0, 1));
  EXPECT_FALSE(v4(255, 255, 255, 255));
  EXPECT_FALSE(v4(198, 19, 0, 1));
  std::array<std::uint8_t, 16> v6{};
  EXPECT_FALSE(is_public_address(v6));                                 // ::
  v6 = {0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1};  // NAT64 of 10.0.0.1
  EXPECT_FALSE(is_public_address(v6));
  v6[12] = 8;
  EXPECT_TRUE(is_public_address(v6));
  v6 = {0xFE, 0x80};
  EXPECT_FALSE(is_public_address(v6));
  v6 = {0x2A, 0x00, 0x14, 0x50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_TRUE(is_public_address(v6));
  EXPECT_FALSE(is_public_address(std::array<std::uint8_t, 5>{}));
}

TEST(WebhookSecret, LengthAndCharacters) {
  EXPECT_TRUE(validate_webhook_secret("0123456789abcdef"));
  EXPECT_TRUE(validate_webhook_secret(std::string(256, 'x')));
  EXPECT_EQ(validate_webhook_secret("short").error().code, Errc::invalid_secret);
  EXPECT_FALSE(validate_webhook_secret(std::string(257, 'x')));
  EXPECT_FALSE(validate_webhook_secret("0123456789abcdef\n"));
  EXPECT_FALSE(validate_webhook_secret("0123456789abcdef\xC3\xA4"));
}

}  // namespace
}  // namespace diskret::inbound
