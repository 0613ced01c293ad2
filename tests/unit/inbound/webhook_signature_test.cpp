#include "inbound/webhook_signature.hpp"

#include <gtest/gtest.h>

#include "crypto/hmac.hpp"

namespace diskret::inbound {
namespace {

constexpr std::string_view kSecret = "whsec_0123456789abcdef";
constexpr std::string_view kBody = R"({"event":"message.inbound","id":"1"})";

TEST(WebhookSignature, HeaderIsTimestampAndHmacOfTimestampDotBody) {
  const std::string header = sign_webhook(kSecret, 1700000000, kBody);
  const std::string expected_mac =
      crypto::hmac_sha256_hex(kSecret, std::string("1700000000.") + std::string(kBody));
  EXPECT_EQ(header, "t=1700000000,v1=" + expected_mac);
  EXPECT_EQ(expected_mac.size(), 64u);
}

TEST(WebhookSignature, KnownAnswer) {
  // Recomputed independently: printf '%s' '1.{}' | openssl dgst -sha256 -hmac 'secret'
  EXPECT_EQ(sign_webhook("secret", 1, "{}"), "t=1,v1=" + crypto::hmac_sha256_hex("secret", "1.{}"));
  EXPECT_EQ(crypto::hmac_sha256_hex("secret", "1.{}"),
            "1122767b193110cfec322b6f199b599edbf608ed087f2d27afb0b97d99523908");
}

TEST(WebhookSignature, VerifiesWhatItSigns) {
  const std::string header = sign_webhook(kSecret, 1700000000, kBody);
  EXPECT_EQ(verify_webhook_signature(header, kSecret, kBody, 1700000010), SignatureCheck::valid);
}

TEST(WebhookSignature, DetectsTamperingWrongSecretAndAge) {
  const std::string header = sign_webhook(kSecret, 1700000000, kBody);
  std::string body(kBody);
  body[3] = 'E';
  EXPECT_EQ(verify_webhook_signature(header, kSecret, body, 1700000000), SignatureCheck::mismatch);
  EXPECT_EQ(verify_webhook_signature(header, "other-secret-xxxxxx", kBody, 1700000000),
            SignatureCheck::mismatch);
  EXPECT_EQ(verify_webhook_signature(header, kSecret, kBody, 1700000000 + 301),
            SignatureCheck::expired);
  EXPECT_EQ(verify_webhook_signature(header, kSecret, kBody, 1700000000 - 301),
            SignatureCheck::expired);
  // The timestamp is covered by the MAC: changing it breaks the signature.
  std::string moved = header;
  moved.replace(2, 10, "1700000100");
  EXPECT_EQ(verify_webhook_signature(moved, kSecret, kBody, 1700000100), SignatureCheck::mismatch);
}

TEST(WebhookSignature, AcceptsAnyOfSeveralV1AndIgnoresUnknownSchemes) {
  const std::string good = sign_webhook(kSecret, 5, kBody).substr(std::string("t=5,").size());
  const std::string header = "t=5, v0=abc, v1=" + std::string(64, '0') + "," + good;
  EXPECT_EQ(verify_webhook_signature(header, kSecret, kBody, 5), SignatureCheck::valid);
}

TEST(WebhookSignature, MalformedHeaders) {
  for (const char* h : {"", "t=1", "v1=00", "t=x,v1=00", "t=1,t=2,v1=00", "garbage", "t=1,,v1=0"}) {
    EXPECT_EQ(verify_webhook_signature(h, kSecret, kBody, 1), SignatureCheck::malformed) << h;
  }
}

}  // namespace
}  // namespace diskret::inbound
