#include "crypto/secret_box.hpp"

#include <gtest/gtest.h>

namespace diskret::crypto {
namespace {

const std::string kPlain = "Ihr Code lautet 123456";

TEST(SecretBox, RoundTrips) {
  auto key = SecretKey::generate();
  auto ad = record_ad(7, "messages", 42, "body");
  auto sealed = seal(key, kPlain, ad);
  EXPECT_EQ(sealed.size(), kPlain.size() + kSealOverhead);
  EXPECT_EQ(sealed.find(kPlain), std::string::npos);
  auto opened = open(key, sealed, ad);
  ASSERT_TRUE(opened.has_value()) << opened.error().message();
  EXPECT_EQ(*opened, kPlain);
}

TEST(SecretBox, RoundTripsEmptyPlaintext) {
  auto key = SecretKey::generate();
  auto sealed = seal(key, "", "ad");
  EXPECT_EQ(sealed.size(), kSealOverhead);
  EXPECT_EQ(open(key, sealed, "ad").value(), "");
}

TEST(SecretBox, UsesAFreshNonceEachTime) {
  auto key = SecretKey::generate();
  EXPECT_NE(seal(key, kPlain, "ad").substr(0, 24), seal(key, kPlain, "ad").substr(0, 24));
}

TEST(SecretBox, RejectsAnyModifiedByte) {
  auto key = SecretKey::generate();
  auto sealed = seal(key, kPlain, "ad");
  // nonce [0,24), ciphertext [24, 24+n), tag [24+n, end): flip a byte in each region.
  const std::size_t positions[] = {0, 23, 24, 24 + kPlain.size() - 1, 24 + kPlain.size(),
                                   sealed.size() - 1};
  for (std::size_t pos : positions) {
    auto tampered = sealed;
    tampered[pos] = static_cast<char>(tampered[pos] ^ 0x01);
    auto opened = open(key, tampered, "ad");
    ASSERT_FALSE(opened.has_value()) << "byte " << pos;
    EXPECT_EQ(opened.error().code, Errc::authentication_failed) << "byte " << pos;
  }
}

TEST(SecretBox, RejectsCiphertextMovedToAnotherRecord) {
  auto key = SecretKey::generate();
  auto sealed = seal(key, kPlain, record_ad(1, "messages", 10, "body"));
  EXPECT_EQ(open(key, sealed, record_ad(1, "messages", 11, "body")).error().code,
            Errc::authentication_failed);
  EXPECT_EQ(open(key, sealed, record_ad(2, "messages", 10, "body")).error().code,
            Errc::authentication_failed);
  EXPECT_EQ(open(key, sealed, record_ad(1, "messages", 10, "recipient")).error().code,
            Errc::authentication_failed);
}

TEST(SecretBox, RejectsWrongKey) {
  auto sealed = seal(SecretKey::generate(), kPlain, "ad");
  EXPECT_EQ(open(SecretKey::generate(), sealed, "ad").error().code, Errc::authentication_failed);
}

TEST(SecretBox, RejectsTooShortInput) {
  auto key = SecretKey::generate();
  auto sealed = seal(key, "", "ad");
  EXPECT_EQ(open(key, sealed.substr(0, kSealOverhead - 1), "ad").error().code, Errc::malformed);
  EXPECT_EQ(open(key, "", "ad").error().code, Errc::malformed);
}

TEST(SecretBox, WrapsAndUnwrapsKeys) {
  auto kek = SecretKey::generate();
  auto data_key = SecretKey::generate();
  auto wrapped = wrap_key(kek, data_key, "tenant|7");
  EXPECT_EQ(wrapped.size(), SecretKey::kSize + kSealOverhead);
  auto unwrapped = unwrap_key(kek, wrapped, "tenant|7");
  ASSERT_TRUE(unwrapped.has_value());
  EXPECT_TRUE(std::equal(unwrapped->bytes().begin(), unwrapped->bytes().end(),
                         data_key.bytes().begin()));
  EXPECT_EQ(unwrap_key(kek, wrapped, "tenant|8").error().code, Errc::authentication_failed);
  EXPECT_EQ(unwrap_key(SecretKey::generate(), wrapped, "tenant|7").error().code,
            Errc::authentication_failed);
  EXPECT_EQ(unwrap_key(kek, seal(kek, "short", "tenant|7"), "tenant|7").error().code,
            Errc::malformed);
}

TEST(RecordAd, EncodesFieldsInDecimalWithSeparators) {
  EXPECT_EQ(record_ad(7, "messages", 18446744073709551615ULL, "body"),
            "7|messages|18446744073709551615|body");
  EXPECT_NE(record_ad(1, "messages", 23, "body"), record_ad(12, "messages", 3, "body"));
}

TEST(RecordAdDeathTest, AbortsOnSeparatorInName) {
  EXPECT_DEATH(record_ad(1, "mess|ages", 2, "body"), "must not contain");
}

TEST(SecretKey, CopiesAndComparesBytes) {
  auto a = SecretKey::generate();
  SecretKey b = a;
  EXPECT_TRUE(std::equal(a.bytes().begin(), a.bytes().end(), b.bytes().begin()));
  SecretKey zero;
  EXPECT_TRUE(std::all_of(zero.bytes().begin(), zero.bytes().end(), [](auto v) { return v == 0; }));
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal("", "a"));
}

TEST(RandomToken, IsUrlSafeBase64WithoutPadding) {
  auto token = random_token(32);
  EXPECT_EQ(token.size(), 43u);  // ceil(32 * 4 / 3) without '='
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  EXPECT_EQ(token.find_first_not_of(alphabet), std::string::npos);
  EXPECT_NE(token, random_token(32));
  EXPECT_EQ(random_token(1).size(), 2u);
}

}  // namespace
}  // namespace diskret::crypto
