#include "crypto/password.hpp"

#include <gtest/gtest.h>

namespace diskret::crypto {
namespace {

TEST(Password, VerifiesTheRightPasswordOnly) {
  auto hash = hash_password("correct horse battery staple");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(hash, "correct horse battery staple"));
  EXPECT_FALSE(verify_password(hash, "correct horse battery stapler"));
  EXPECT_FALSE(verify_password(hash, ""));
}

TEST(Password, SaltsEachHash) {
  EXPECT_NE(hash_password("same"), hash_password("same"));
}

TEST(Password, RejectsGarbageHashes) {
  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(verify_password("not a hash", "x"));
  EXPECT_FALSE(verify_password(std::string(200, '$'), "x"));
}

TEST(HashSecret, IsKeyedBlake2b256Hex) {
  std::array<std::uint8_t, SecretKey::kSize> pepper{};
  pepper.fill(3);
  auto key = SecretKey::from_bytes(pepper);
  // Computed with Python: hashlib.blake2b(b"api-secret", digest_size=32, key=b"\x03" * 32).
  EXPECT_EQ(hash_secret(key, "api-secret"),
            "ac3c73a82eb7c7c2fd59d8bc1d36ee2096d2fe971d4cbd2c028925bacadfdea5");
  EXPECT_NE(hash_secret(SecretKey::generate(), "api-secret"), hash_secret(key, "api-secret"));
}

}  // namespace
}  // namespace diskret::crypto
