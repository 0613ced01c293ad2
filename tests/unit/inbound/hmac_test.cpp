#include "crypto/hmac.hpp"

#include <gtest/gtest.h>

#include "crypto/digest.hpp"

namespace diskret::crypto {
namespace {

// RFC 4231 test vectors.
TEST(Hmac, Rfc4231Case1ShortBinaryKey) {
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(Hmac, Rfc4231Case2KeyShorterThanOutput) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Hmac, Rfc4231Case6KeyLargerThanBlock) {
  EXPECT_EQ(hmac_sha256_hex(std::string(131, '\xaa'),
                            "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Hmac, AgreesWithSecretKeyFormForThirtyTwoByteKeys) {
  const SecretKey key = SecretKey::generate();
  const std::string raw(reinterpret_cast<const char*>(key.data()), SecretKey::kSize);
  EXPECT_EQ(hmac_sha256(raw, "message"), hmac_sha256(key, "message"));
}

TEST(Hmac, DifferentKeysGiveDifferentMacs) {
  EXPECT_NE(hmac_sha256_hex("key-one", "body"), hmac_sha256_hex("key-two", "body"));
  EXPECT_NE(hmac_sha256_hex("", "body"), hmac_sha256_hex("", "body2"));
}

}  // namespace
}  // namespace diskret::crypto
