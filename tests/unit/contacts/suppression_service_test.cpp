#include "contacts/suppression_service.hpp"

#include <gtest/gtest.h>

#include "contacts/errc.hpp"
#include "store/sqlite/sqlite_audit_trail.hpp"
#include "unit/contacts/service_fixture.hpp"

namespace diskret::contacts {
namespace {

using testing::Services;
using testing::web_consent;
using namespace std::chrono_literals;

const std::string kNumber = "+4915123456789";

std::vector<Block> gate(Services& s, std::uint64_t tenant, bool marketing,
                        std::vector<std::string> numbers) {
  auto r = s.gate.check(tenant, marketing, numbers);
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  return r.value_or(std::vector<Block>{});
}

TEST(Suppressions, AddFindListRemove) {
  Services s;
  EXPECT_TRUE(*s.suppressions.add(s.a, kNumber, "rief an", "api"));
  EXPECT_FALSE(*s.suppressions.add(s.a, kNumber, "again", "api"));  // already on the list
  auto found = s.suppressions.find(s.a, kNumber);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->phone, kNumber);
  EXPECT_EQ((*found)->reason, "rief an");
  EXPECT_EQ((*found)->source, "api");
  auto page = s.suppressions.page(s.a, 0, 50);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].phone, kNumber);
  EXPECT_TRUE(*s.suppressions.remove(s.a, kNumber, "api"));
  EXPECT_FALSE(*s.suppressions.find(s.a, kNumber));
  EXPECT_FALSE(*s.suppressions.remove(s.a, kNumber, "api"));
}

TEST(Suppressions, ArePerTenant) {
  Services s;
  ASSERT_TRUE(s.suppressions.add(s.a, kNumber, "", "api"));
  EXPECT_FALSE(*s.suppressions.find(s.b, kNumber));
  EXPECT_TRUE(s.suppressions.page(s.b, 0, 50)->items.empty());
  EXPECT_FALSE(*s.suppressions.remove(s.b, kNumber, "api"));
  EXPECT_EQ(gate(s, s.b, false, {kNumber})[0], Block::none);
  EXPECT_EQ(gate(s, s.a, false, {kNumber})[0], Block::suppressed);
}

TEST(Suppressions, PagesNewestFirst) {
  Services s;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(s.suppressions.add(s.a, "+49151234567" + std::to_string(10 + i), "", "api"));
  }
  auto p1 = s.suppressions.page(s.a, 0, 2);
  ASSERT_EQ(p1->items.size(), 2u);
  EXPECT_EQ(p1->items[0].phone, "+4915123456714");
  ASSERT_TRUE(p1->next_before);
  auto p2 = s.suppressions.page(s.a, *p1->next_before, 10);
  ASSERT_EQ(p2->items.size(), 3u);
  EXPECT_EQ(p2->items[2].phone, "+4915123456710");
  EXPECT_FALSE(p2->next_before);
}

TEST(Suppressions, KeywordStartLiftsOnlyKeywordEntries) {
  Services s;
  ASSERT_TRUE(s.suppressions.add(s.a, kNumber, "complaint", "api"));
  EXPECT_FALSE(*s.suppressions.remove(s.a, kNumber, kSourceKeyword, kSourceKeyword));
  EXPECT_TRUE(*s.suppressions.find(s.a, kNumber));
  ASSERT_TRUE(s.suppressions.remove(s.a, kNumber, "api"));
  ASSERT_TRUE(s.suppressions.add(s.a, kNumber, "STOP", kSourceKeyword));
  EXPECT_TRUE(*s.suppressions.remove(s.a, kNumber, kSourceKeyword, kSourceKeyword));
}

TEST(Suppressions, StopWithdrawsConsentAndStartRestoresIt) {
  Services s;
  ContactInput in;
  in.phone = kNumber;
  in.consent = web_consent(s.fx.clock.now());
  auto c = s.contacts.create(s.a, in, "t");
  ASSERT_TRUE(c);
  EXPECT_EQ(gate(s, s.a, true, {kNumber})[0], Block::none);

  s.fx.clock.advance(1min);
  ASSERT_TRUE(*s.suppressions.add(s.a, kNumber, "STOP", kSourceKeyword));
  EXPECT_EQ(gate(s, s.a, true, {kNumber})[0], Block::suppressed);
  EXPECT_EQ(gate(s, s.a, false, {kNumber})[0], Block::suppressed);  // transactional too
  auto after_stop = s.contacts.get(s.a, c->id);
  EXPECT_EQ(marketing_consent((*after_stop)->consent), ConsentState::withdrawn);

  s.fx.clock.advance(1min);
  ASSERT_TRUE(*s.suppressions.remove(s.a, kNumber, kSourceKeyword, kSourceKeyword));
  EXPECT_EQ(gate(s, s.a, true, {kNumber})[0], Block::none);
  auto history = s.contacts.consent_history(s.a, c->id);
  ASSERT_EQ(history->size(), 3u);  // granted, withdrawn, re-subscribed
  EXPECT_EQ((*history)[2].source, ConsentSource::sms_keyword);
}

TEST(Suppressions, ApiRemovalDoesNotGrantConsent) {
  Services s;
  ContactInput in;
  in.phone = kNumber;
  in.consent = web_consent(s.fx.clock.now());
  ASSERT_TRUE(s.contacts.create(s.a, in, "t"));
  ASSERT_TRUE(s.suppressions.add(s.a, kNumber, "", "api"));
  ASSERT_TRUE(s.suppressions.remove(s.a, kNumber, "api"));
  EXPECT_EQ(gate(s, s.a, true, {kNumber})[0], Block::no_consent);
  EXPECT_EQ(gate(s, s.a, false, {kNumber})[0], Block::none);
}

TEST(Suppressions, SurviveTheContact) {
  Services s;
  ContactInput in;
  in.phone = kNumber;
  auto c = s.contacts.create(s.a, in, "t");
  ASSERT_TRUE(s.suppressions.add(s.a, kNumber, "", "api"));
  ASSERT_TRUE(*s.contacts.remove(s.a, c->id));
  EXPECT_EQ(gate(s, s.a, false, {kNumber})[0], Block::suppressed);
}

TEST(RecipientGate, MarketingNeedsGrantedConsentTransactionalDoesNot) {
  Services s;
  ContactInput granted;
  granted.phone = "+4915123456701";
  granted.consent = web_consent(s.fx.clock.now());
  ASSERT_TRUE(s.contacts.create(s.a, granted, "t"));
  ContactInput plain;
  plain.phone = "+4915123456702";
  ASSERT_TRUE(s.contacts.create(s.a, plain, "t"));
  const std::vector<std::string> to{"+4915123456701", "+4915123456702", "+4915123456703",
                                    "not a number"};
  EXPECT_EQ(gate(s, s.a, true, to),
            (std::vector<Block>{Block::none, Block::no_consent, Block::no_consent, Block::none}));
  EXPECT_EQ(gate(s, s.a, false, to),
            (std::vector<Block>{Block::none, Block::none, Block::none, Block::none}));
  // Consent of tenant A does not count for tenant B.
  EXPECT_EQ(gate(s, s.b, true, {"+4915123456701"})[0], Block::no_consent);
  EXPECT_STREQ(block_code(Block::suppressed), "suppressed");
  EXPECT_STREQ(block_code(Block::no_consent), "no_consent");
}

// A batch is screened in one read transaction; the pooled connection must come back
// without it, or the next screen would read the old snapshot and miss a new suppression.
TEST(RecipientGate, ABatchScreenLeavesNoSnapshotBehind) {
  Services s;
  const std::vector<std::string> to{"+4915123456701", kNumber, "+4915123456703"};
  EXPECT_EQ(gate(s, s.a, false, to), (std::vector<Block>(3, Block::none)));
  ASSERT_TRUE(*s.suppressions.add(s.a, kNumber, "rief an", "api"));
  EXPECT_EQ(gate(s, s.a, false, to),
            (std::vector<Block>{Block::none, Block::suppressed, Block::none}));
  EXPECT_EQ(gate(s, s.a, false, {kNumber})[0], Block::suppressed);
}

TEST(Suppressions, ReasonRules) {
  EXPECT_FALSE(check_reason("Kunde hat angerufen"));
  EXPECT_TRUE(check_reason(std::string(201, 'r')));
  EXPECT_TRUE(check_reason("a\nb"));
}

// Changes by the tenant land in the audit trail with the person as blind index only;
// STOP/START are recorded by the inbound side with their message, not twice.
TEST(Suppressions, ChangesAreAuditedWithoutTheNumber) {
  Services s;
  store::sqlite::SqliteAuditTrail trail(*s.fx.store);
  s.suppressions.set_audit(&trail);
  ASSERT_TRUE(*s.suppressions.add(s.a, kNumber, "asked by phone", kSourceApi, "api_key:3"));
  ASSERT_FALSE(*s.suppressions.add(s.a, kNumber, "again", kSourceApi, "api_key:3"));
  ASSERT_TRUE(*s.suppressions.remove(s.a, kNumber, kSourceApi, std::nullopt, "api_key:4"));
  ASSERT_TRUE(*s.suppressions.add(s.a, kNumber, "STOP", kSourceKeyword));
  ASSERT_TRUE(*s.suppressions.remove(s.a, kNumber, kSourceKeyword));
  auto events = trail.events(s.a, 0, 100);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[1].action, "suppression.added");
  EXPECT_EQ((*events)[1].actor, "api_key:3");
  EXPECT_EQ((*events)[0].action, "suppression.removed");
  EXPECT_EQ((*events)[0].actor, "api_key:4");
  for (const auto& e : *events) {
    ASSERT_TRUE(e.subject_blind);
    EXPECT_EQ(e.details, R"({"source":"api"})");
    EXPECT_EQ(e.details.find("phone"), std::string::npos);
    EXPECT_EQ(e.object.find("4915"), std::string::npos);
  }
}

}  // namespace
}  // namespace diskret::contacts
