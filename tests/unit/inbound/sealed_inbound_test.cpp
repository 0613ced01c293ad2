#include "inbound/sealed_inbound.hpp"

#include <gtest/gtest.h>

namespace diskret::inbound {
namespace {

TEST(SealedInbound, MoRoundTripsAndIsBoundToItsRow) {
  const auto key = crypto::SecretKey::generate();
  const MoPlain mo{"+4915112345678", "Stopp: bitte 12:30 \xC3\xA4"};
  const std::string sealed = seal_mo(key, 7, 42, mo);
  EXPECT_EQ(sealed.find("4915112345678"), std::string::npos);
  EXPECT_EQ(open_mo(key, 7, 42, sealed), mo);
  EXPECT_FALSE(open_mo(key, 7, 43, sealed));  // another row
  EXPECT_FALSE(open_mo(key, 8, 42, sealed));  // another tenant
  EXPECT_FALSE(open_mo(crypto::SecretKey::generate(), 7, 42, sealed));
  std::string tampered = sealed;
  tampered[tampered.size() / 2] ^= 1;
  EXPECT_EQ(open_mo(key, 7, 42, tampered).error().code, make_error_code(diskret::Errc::corrupt));
}

TEST(SealedInbound, EmptyAndColonTextsSurvive) {
  const auto key = crypto::SecretKey::generate();
  for (const MoPlain& mo : {MoPlain{"ACME", ""}, MoPlain{"", "a:b"}, MoPlain{"+49", "12:"}}) {
    EXPECT_EQ(open_mo(key, 1, 1, seal_mo(key, 1, 1, mo)), mo);
  }
}

TEST(SealedInbound, WebhookSecretRoundTrips) {
  const auto key = crypto::SecretKey::generate();
  const std::string sealed = seal_webhook_secret(key, 3, "whsec_abcdefghijklmnop");
  EXPECT_EQ(sealed.find("whsec"), std::string::npos);
  EXPECT_EQ(open_webhook_secret(key, 3, sealed), "whsec_abcdefghijklmnop");
  EXPECT_FALSE(open_webhook_secret(key, 4, sealed));
}

}  // namespace
}  // namespace diskret::inbound
