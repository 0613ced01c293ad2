#include "crypto/sign.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"

namespace diskret::crypto {
namespace {

TEST(SigningKey, SignsAndVerifies) {
  auto key = SigningKey::generate();
  auto sig = key.sign("checkpoint 7");
  EXPECT_TRUE(verify_signature(key.public_key(), "checkpoint 7", sig));
  EXPECT_FALSE(verify_signature(key.public_key(), "checkpoint 8", sig));
  sig[10] ^= 1;
  EXPECT_FALSE(verify_signature(key.public_key(), "checkpoint 7", sig));
}

TEST(SigningKey, OtherKeyDoesNotVerify) {
  auto a = SigningKey::generate();
  auto b = SigningKey::generate();
  EXPECT_FALSE(verify_signature(b.public_key(), "m", a.sign("m")));
  EXPECT_NE(a.public_key().id(), b.public_key().id());
}

TEST(SigningKey, SameSeedSameKeyPair) {
  auto a = SigningKey::generate();
  auto b = SigningKey::from_seed(a.seed());
  EXPECT_EQ(a.public_key(), b.public_key());
  EXPECT_TRUE(verify_signature(a.public_key(), "m", b.sign("m")));
}

// RFC 8032 section 7.1, test 1 (empty message).
TEST(SigningKey, MatchesRfc8032Vector) {
  auto seed = from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").value();
  auto key = SigningKey::from_seed(SecretKey::from_bytes(std::span<const std::uint8_t, 32>(seed.data(), 32)));
  EXPECT_EQ(key.public_key().hex(),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  EXPECT_EQ(to_hex(key.sign("")),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
}

TEST(SigningPublicKey, HexRoundTrip) {
  auto key = SigningKey::generate().public_key();
  EXPECT_EQ(SigningPublicKey::from_hex(key.hex()).value(), key);
  EXPECT_EQ(key.id().size(), 16u);
  EXPECT_FALSE(SigningPublicKey::from_hex("abcd").has_value());
}

}  // namespace
}  // namespace diskret::crypto
