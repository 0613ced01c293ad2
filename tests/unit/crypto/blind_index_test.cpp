#include "crypto/blind_index.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"

namespace diskret::crypto {
namespace {

SecretKey key_of(std::uint8_t fill) {
  std::array<std::uint8_t, SecretKey::kSize> bytes{};
  bytes.fill(fill);
  return SecretKey::from_bytes(bytes);
}

bool same_key(const SecretKey& a, const SecretKey& b) {
  return std::equal(a.bytes().begin(), a.bytes().end(), b.bytes().begin());
}

TEST(BlindIndex, IsEqualForEqualInput) {
  auto key = key_of(1);
  EXPECT_EQ(blind_index(key, "+4915112345678"), blind_index(key, "+4915112345678"));
  EXPECT_NE(blind_index(key, "+4915112345678"), blind_index(key, "+4915112345679"));
}

TEST(BlindIndex, DiffersPerKey) {
  EXPECT_NE(blind_index(key_of(1), "+4915112345678"), blind_index(key_of(2), "+4915112345678"));
}

TEST(BlindIndex, MatchesKeyedBlake2bWith16ByteOutput) {
  // BLAKE2b-128 keyed with 32 bytes of 0x01, input "abc" (computed with Python's hashlib).
  EXPECT_EQ(to_hex(blind_index(key_of(1), "abc")), "1c560da113b25274b51c0369280e60f3");
}

TEST(DeriveKey, IsDeterministic) {
  auto master = key_of(7);
  EXPECT_TRUE(same_key(derive_key(master, 1, "blindidx"), derive_key(master, 1, "blindidx")));
}

TEST(DeriveKey, IsDistinctPerIdContextAndKey) {
  auto master = key_of(7);
  auto base = derive_key(master, 1, "blindidx");
  EXPECT_FALSE(same_key(base, derive_key(master, 2, "blindidx")));
  EXPECT_FALSE(same_key(base, derive_key(master, 1, "datakey_")));
  EXPECT_FALSE(same_key(base, derive_key(key_of(8), 1, "blindidx")));
  EXPECT_FALSE(same_key(base, master));
}

TEST(DeriveKeyDeathTest, AbortsOnContextOfWrongLength) {
  auto master = key_of(7);
  EXPECT_DEATH(derive_key(master, 1, "short"), "exactly 8 characters");
  EXPECT_DEATH(derive_key(master, 1, "much too long"), "exactly 8 characters");
}

}  // namespace
}  // namespace diskret::crypto
