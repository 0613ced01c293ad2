#include "contacts/sealed_fields.hpp"

#include <gtest/gtest.h>

#include "crypto/secret_box.hpp"

namespace diskret::contacts {
namespace {

TEST(SealedContact, RoundTripsAndHidesThePlaintext) {
  const auto key = crypto::SecretKey::generate();
  const ContactPlain c{"+4915123456789",
                       "J\xC3\xBCrgen",
                       "M\xC3\xBCller",
                       {{"kundennummer", "4711"}, {"note", "a\nb"}}};
  const std::string sealed = seal_contact(key, 7, 42, c);
  EXPECT_EQ(sealed.find("4915123456789"), std::string::npos);
  EXPECT_EQ(sealed.find("4711"), std::string::npos);
  auto opened = open_contact(key, 7, 42, sealed);
  ASSERT_TRUE(opened) << opened.error().message();
  EXPECT_EQ(*opened, c);
}

TEST(SealedContact, BoundToKeyTenantAndSubject) {
  const auto key = crypto::SecretKey::generate();
  const std::string sealed = seal_contact(key, 7, 42, {"+4915123456789", "", "", {}});
  EXPECT_FALSE(open_contact(key, 8, 42, sealed));
  EXPECT_FALSE(open_contact(key, 7, 43, sealed));
  EXPECT_FALSE(open_contact(crypto::SecretKey::generate(), 7, 42, sealed));
  std::string flipped = sealed;
  flipped[flipped.size() / 2] ^= 1;
  EXPECT_FALSE(open_contact(key, 7, 42, flipped));
}

TEST(SealedContact, MalformedPlaintextIsCorrupt) {
  const auto key = crypto::SecretKey::generate();
  const auto ad = crypto::record_ad(7, "contacts", 42, "person");
  auto r = open_contact(key, 7, 42, crypto::seal(key, "xx", ad));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, diskret::Errc::corrupt);
}

TEST(SealedSuppression, RoundTrips) {
  const auto key = crypto::SecretKey::generate();
  const auto sealed = seal_suppression(key, 3, 9, {"+4915123456789", "called us"});
  auto s = open_suppression(key, 3, 9, sealed);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->phone, "+4915123456789");
  EXPECT_EQ(s->reason, "called us");
  EXPECT_FALSE(open_suppression(key, 3, 10, sealed));
}

TEST(SealedEmail, RoundTripsAndIsBoundToTheBlindIndex) {
  const auto key = crypto::SecretKey::generate();
  const auto email = canonical_email("  Anna@Example.COM ");
  EXPECT_EQ(email, "anna@example.com");
  const auto blind = crypto::blind_index(key, email);
  const auto sealed = seal_email(key, 1, blind, email);
  EXPECT_EQ(open_email(key, 1, blind, sealed).value(), email);
  EXPECT_FALSE(open_email(key, 1, crypto::blind_index(key, "eve@example.com"), sealed));
  EXPECT_FALSE(open_email(key, 2, blind, sealed));
}

}  // namespace
}  // namespace diskret::contacts
