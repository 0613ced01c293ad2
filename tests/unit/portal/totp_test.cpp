#include "portal/totp.hpp"

#include <gtest/gtest.h>

namespace diskret::portal {
namespace {

using std::chrono::seconds;

const std::string kRfcKey = "12345678901234567890";  // RFC 6238 appendix B, SHA-1

TEST(Totp, MatchesTheRfc6238Vectors) {
  // 8-digit values of the RFC's table at T = 59, 1111111109, 1234567890, 2000000000.
  EXPECT_EQ(hotp(kRfcKey, 59 / 30, 8), 94287082u);
  EXPECT_EQ(hotp(kRfcKey, 1111111109 / 30, 8), 7081804u);
  EXPECT_EQ(hotp(kRfcKey, 1234567890 / 30, 8), 89005924u);
  EXPECT_EQ(hotp(kRfcKey, 2000000000 / 30, 8), 69279037u);
  // RFC 4226 appendix D: HOTP(counter 0..1), 6 digits.
  EXPECT_EQ(hotp(kRfcKey, 0), 755224u);
  EXPECT_EQ(hotp(kRfcKey, 1), 287082u);
}

TEST(Totp, AcceptsTheNeighbouringStepsOnly) {
  const SystemTime now{seconds{1111111109}};
  auto code = [&](std::int64_t step_delta) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%06u",
                  hotp(kRfcKey, static_cast<std::uint64_t>(1111111109 / 30 + step_delta)));
    return std::string(buf);
  };
  EXPECT_EQ(totp_match(kRfcKey, code(0), now), std::optional<std::uint64_t>(1111111109 / 30));
  EXPECT_TRUE(totp_match(kRfcKey, code(-1), now));
  EXPECT_TRUE(totp_match(kRfcKey, code(1), now));
  EXPECT_FALSE(totp_match(kRfcKey, code(2), now));
  EXPECT_FALSE(totp_match(kRfcKey, code(-2), now));
  EXPECT_FALSE(totp_match(kRfcKey, "12345", now));
  EXPECT_FALSE(totp_match(kRfcKey, "12a456", now));
}

TEST(Base32, RoundTripsAndFollowsRfc4648) {
  EXPECT_EQ(base32_encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(base32_encode("f"), "MY");
  EXPECT_EQ(base32_decode("MZXW6YTBOI======"), std::optional<std::string>("foobar"));
  EXPECT_EQ(base32_decode("mzxw 6ytb oi"), std::optional<std::string>("foobar"));
  EXPECT_FALSE(base32_decode("MZ1W"));
  const std::string bytes = "\x00\xff\x10 binary \x7f";
  EXPECT_EQ(base32_decode(base32_encode(bytes)), std::optional<std::string>(bytes));
}

TEST(Totp, UriNamesIssuerAccountAndParameters) {
  EXPECT_EQ(otpauth_uri("diskret", "anna+x@example.com", "ABC"),
            "otpauth://totp/diskret:anna%2Bx@example.com?secret=ABC&issuer=diskret"
            "&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace diskret::portal
