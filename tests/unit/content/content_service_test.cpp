#include "content/content_service.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace diskret::content {
namespace {

class ContentServiceTest : public ::testing::Test {
 protected:
  MemoryContentSettingsStore store_;
  FakeClock clock_;
  ContentService service_{store_, clock_};
};

TEST_F(ContentServiceTest, DefaultsSmartEncodeAndRejectCards) {
  auto p = service_.prepare(1, "\u201EIhre Karte\u201C 4111 1111 1111 1111", "api", 2);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->text, "\"Ihre Karte\" 4111 1111 1111 1111");
  EXPECT_EQ(p->replacements.size(), 2u);
  EXPECT_TRUE(p->rejected());
  EXPECT_EQ(p->reason().find("4111"), std::string::npos);
  EXPECT_NE(p->reason().find("card_number"), std::string::npos);
  EXPECT_EQ(service_.guard().count(dlp::Kind::card_number, dlp::Action::rejected), 1u);
}

TEST_F(ContentServiceTest, SmartEncodingCanBeSwitchedOff) {
  ContentSettings s;
  s.smart_encoding = false;
  ASSERT_TRUE(service_.update(1, s, "api_key:1"));
  auto p = service_.prepare(1, "Don\u2019t", "api");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->text, "Don\u2019t");
  EXPECT_TRUE(p->replacements.empty());
  // Another tenant keeps the default.
  EXPECT_EQ(service_.prepare(2, "Don\u2019t", "api")->text, "Don't");
}

TEST_F(ContentServiceTest, MaskPolicyMasksTheText) {
  ContentSettings s;
  s.dlp.policy = dlp::Policy::mask;
  ASSERT_TRUE(service_.update(1, s, "api_key:1"));
  auto p = service_.prepare(1, "IBAN DE89370400440532013000", "smtp");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->rejected());
  EXPECT_EQ(p->text, "IBAN ******************3000");
}

TEST_F(ContentServiceTest, UpdateRefusesBadPatternsAndAuditsByName) {
  std::vector<SettingsChange> changes;
  service_.set_change_audit([&](const SettingsChange& c) { changes.push_back(c); });
  ContentSettings bad;
  bad.dlp.patterns = {{"broken", "(["}};
  auto refused = service_.update(1, bad, "api_key:1");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("broken"), std::string::npos);
  EXPECT_TRUE(changes.empty());

  ContentSettings good;
  good.dlp.patterns = {{"customer_no", "KD-\\d{6}"}};
  ASSERT_TRUE(service_.update(1, good, "api_key:9"));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].actor, "api_key:9");
  EXPECT_NE(changes[0].details_json.find("\"customer_no\""), std::string::npos);
  EXPECT_EQ(changes[0].details_json.find("KD-"), std::string::npos);  // names, not expressions
  auto p = service_.prepare(1, "Kunde KD-123456", "campaign");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->rejected());
  EXPECT_EQ(p->verdict.kinds(), "custom:customer_no");
}

TEST_F(ContentServiceTest, SettingsAreCachedUntilTheTtl) {
  ContentSettings s;
  s.smart_encoding = false;
  ASSERT_TRUE(service_.settings(1));               // cached: defaults
  ASSERT_TRUE(store_.put(1, s, 0));                // changed by another node
  EXPECT_TRUE(service_.settings(1)->smart_encoding);
  clock_.advance(std::chrono::seconds{31});
  EXPECT_FALSE(service_.settings(1)->smart_encoding);
}

}  // namespace
}  // namespace diskret::content
