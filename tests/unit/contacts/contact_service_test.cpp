#include "contacts/contact_service.hpp"

#include <gtest/gtest.h>

#include "contacts/errc.hpp"
#include "unit/contacts/broken_csv.hpp"
#include "unit/contacts/service_fixture.hpp"

namespace diskret::contacts {
namespace {

using testing::Services;
using testing::web_consent;
using namespace std::chrono_literals;

ContactInput anna() {
  ContactInput in;
  in.phone = "+4915123456789";
  in.first_name = "Anna";
  in.last_name = "M\xC3\xBCller";
  in.fields = {{"kundennummer", "4711"}};
  return in;
}

TEST(ContactService, CreateReadAndFindByPhone) {
  Services s;
  auto list = s.contacts.create_list(s.a, "VIP");
  ASSERT_TRUE(list) << list.error().message();
  auto in = anna();
  in.lists = {list->id};
  in.consent = web_consent(s.fx.clock.now() - 1h);
  auto created = s.contacts.create(s.a, in, "api_key:1");
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_EQ(created->phone, "+4915123456789");
  EXPECT_EQ(created->last_name, "M\xC3\xBCller");
  EXPECT_EQ(created->lists, (std::vector<std::uint64_t>{list->id}));
  ASSERT_TRUE(created->consent);
  EXPECT_TRUE(allows_marketing(created->consent));

  auto found = s.contacts.find_by_phone(s.a, "+4915123456789");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, created->id);
  EXPECT_EQ((*found)->fields, in.fields);
  auto lists = s.contacts.lists(s.a);
  ASSERT_TRUE(lists);
  EXPECT_EQ(lists->at(0).members, 1u);
}

TEST(ContactService, DedupesByNumberWithinATenantOnly) {
  Services s;
  ASSERT_TRUE(s.contacts.create(s.a, anna(), "t"));
  auto again = s.contacts.create(s.a, anna(), "t");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, diskret::Errc::already_exists);
  EXPECT_TRUE(s.contacts.create(s.b, anna(), "t"));  // another tenant: another person
}

TEST(ContactService, TenantsSeeOnlyTheirOwn) {
  Services s;
  auto c = s.contacts.create(s.a, anna(), "t");
  ASSERT_TRUE(c);
  auto l = s.contacts.create_list(s.a, "VIP");
  ASSERT_TRUE(l);
  EXPECT_FALSE(*s.contacts.get(s.b, c->id));
  EXPECT_FALSE(*s.contacts.find_by_phone(s.b, "+4915123456789"));
  EXPECT_FALSE(*s.contacts.update(s.b, c->id, ContactPatch{.first_name = "Eve"}, "t"));
  EXPECT_FALSE(*s.contacts.remove(s.b, c->id));
  EXPECT_FALSE(*s.contacts.list(s.b, l->id));
  EXPECT_FALSE(*s.contacts.delete_list(s.b, l->id));
  EXPECT_TRUE(s.contacts.page(s.b, std::nullopt, 0, 50)->contacts.empty());
  // A list of tenant A cannot be joined from tenant B.
  auto in = anna();
  in.lists = {l->id};
  auto joined = s.contacts.create(s.b, in, "t");
  ASSERT_FALSE(joined);
  EXPECT_EQ(joined.error().code, diskret::Errc::not_found);
  EXPECT_EQ((*s.contacts.get(s.a, c->id))->first_name, "Anna");  // untouched
}

TEST(ContactService, PersonalDataIsNotOnDiskInClear) {
  Services s;
  auto in = anna();
  in.first_name = "Zacharias";
  in.fields = {{"note", "Geheimnotiz"}};
  ASSERT_TRUE(s.contacts.create(s.a, in, "t"));
  s.fx.store.reset();  // flush: close the files
  for (const char* file : {"diskret.db", "diskret.db-wal", "keys.db", "keys.db-wal"}) {
    const auto bytes = store::testing::read_file(s.dir.path() / file);
    EXPECT_EQ(bytes.find("Zacharias"), std::string::npos) << file;
    EXPECT_EQ(bytes.find("4915123456789"), std::string::npos) << file;
    EXPECT_EQ(bytes.find("Geheimnotiz"), std::string::npos) << file;
  }
}

TEST(ContactService, PatchReplacesFieldsAndListsAndAppendsConsent) {
  Services s;
  auto l1 = *s.contacts.create_list(s.a, "one");
  auto l2 = *s.contacts.create_list(s.a, "two");
  auto in = anna();
  in.lists = {l1.id};
  auto c = *s.contacts.create(s.a, in, "t");
  s.fx.clock.advance(1min);
  ContactPatch p;
  p.last_name = "Schmidt";
  p.fields = CustomFields{{"plz", "10115"}};
  p.lists = std::vector<std::uint64_t>{l2.id};
  p.consent = web_consent(s.fx.clock.now());
  auto u = s.contacts.update(s.a, c.id, p, "api_key:2");
  ASSERT_TRUE(u && *u) << (u ? "" : u.error().message());
  EXPECT_EQ((*u)->first_name, "Anna");
  EXPECT_EQ((*u)->last_name, "Schmidt");
  EXPECT_EQ((*u)->fields, (CustomFields{{"plz", "10115"}}));
  EXPECT_EQ((*u)->lists, (std::vector<std::uint64_t>{l2.id}));
  EXPECT_TRUE(allows_marketing((*u)->consent));
  EXPECT_GT((*u)->updated_at, c.updated_at);
  // Consent history keeps every change.
  ContactPatch withdraw;
  withdraw.withdraw_consent = s.fx.clock.now();
  ASSERT_TRUE(s.contacts.update(s.a, c.id, withdraw, "t"));
  auto history = s.contacts.consent_history(s.a, c.id);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_FALSE((*history)[0].withdrawn_at);
  EXPECT_TRUE((*history)[1].withdrawn_at);
  EXPECT_FALSE(allows_marketing((*s.contacts.get(s.a, c.id))->consent));
}

TEST(ContactService, DeleteRemovesContactMembershipsAndHistory) {
  Services s;
  auto l = *s.contacts.create_list(s.a, "VIP");
  auto in = anna();
  in.lists = {l.id};
  in.consent = web_consent(s.fx.clock.now());
  auto c = *s.contacts.create(s.a, in, "t");
  EXPECT_TRUE(*s.contacts.remove(s.a, c.id));
  EXPECT_FALSE(*s.contacts.get(s.a, c.id));
  EXPECT_EQ(s.contacts.list(s.a, l.id)->value().members, 0u);
  EXPECT_TRUE(s.contacts.consent_history(s.a, c.id)->empty());
  EXPECT_FALSE(*s.contacts.remove(s.a, c.id));
}

TEST(ContactService, PagesInIdOrderAndByList) {
  Services s;
  auto l = *s.contacts.create_list(s.a, "even");
  for (int i = 0; i < 7; ++i) {
    ContactInput in;
    in.phone = "+49151234567" + std::to_string(10 + i);
    if (i % 2 == 0) in.lists = {l.id};
    ASSERT_TRUE(s.contacts.create(s.a, in, "t"));
  }
  auto p1 = s.contacts.page(s.a, std::nullopt, 0, 3);
  ASSERT_TRUE(p1);
  ASSERT_EQ(p1->contacts.size(), 3u);
  ASSERT_TRUE(p1->next_after);
  auto p3 = s.contacts.page(s.a, std::nullopt,
                            *s.contacts.page(s.a, std::nullopt, *p1->next_after, 3)->next_after, 3);
  EXPECT_EQ(p3->contacts.size(), 1u);
  EXPECT_FALSE(p3->next_after);
  EXPECT_EQ(s.contacts.page(s.a, l.id, 0, 50)->contacts.size(), 4u);
}

TEST(ContactService, ListNamesAreUniquePerTenant) {
  Services s;
  ASSERT_TRUE(s.contacts.create_list(s.a, "VIP"));
  auto dup = s.contacts.create_list(s.a, " VIP ");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, diskret::Errc::already_exists);
  EXPECT_TRUE(s.contacts.create_list(s.b, "VIP"));
  auto bad = s.contacts.create_list(s.a, "");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_field);
}

TEST(ContactService, ImportWritesExactlyTheGoodRowsAndMergesKnownNumbers) {
  Services s;
  s.fx.clock.set(SystemTime{std::chrono::seconds{1'735'689'600}});  // 2025-01-01
  auto known = anna();
  known.phone = testing::good_number(0);
  known.fields = {{"extra", "kept"}};
  ASSERT_TRUE(s.contacts.create(s.a, known, "t"));
  const auto csv = testing::make_broken_csv();
  ImportOptions o;
  o.now = s.fx.clock.now();
  auto report = decode_contacts_csv(csv.csv, o);
  ASSERT_TRUE(report);
  ASSERT_EQ(report->rows.size(), 963u);
  auto summary = s.contacts.import(s.a, *report, std::nullopt, "import");
  ASSERT_TRUE(summary) << summary.error().message();
  EXPECT_EQ(summary->created, 962u);
  EXPECT_EQ(summary->updated, 1u);
  EXPECT_EQ(summary->lists_created, 2u);  // VIP, Newsletter
  std::size_t stored = 0;
  std::uint64_t after = 0;
  for (;;) {
    auto page = s.contacts.page(s.a, std::nullopt, after, 500);
    ASSERT_TRUE(page);
    stored += page->contacts.size();
    if (!page->next_after) break;
    after = *page->next_after;
  }
  EXPECT_EQ(stored, 963u);
  auto merged = s.contacts.find_by_phone(s.a, testing::good_number(0));
  ASSERT_TRUE(merged && *merged);
  EXPECT_EQ((*merged)->first_name, "Anna; Maria");  // the file's value wins
  EXPECT_EQ((*merged)->fields.size(), 2u);          // extra kept, kundennummer added
  EXPECT_TRUE(allows_marketing((*merged)->consent));
  EXPECT_EQ((*merged)->lists.size(), 2u);
  // Re-importing changes nothing in count: every number is known now.
  auto again = s.contacts.import(s.a, *report, std::nullopt, "import");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->created, 0u);
  EXPECT_EQ(again->updated, 963u);
}

TEST(ContactService, ImportIntoAListOfAnotherTenantFails) {
  Services s;
  auto l = *s.contacts.create_list(s.b, "B's");
  ImportOptions o;
  o.now = s.fx.clock.now();
  auto report = decode_contacts_csv("phone\n015123456789\n", o);
  auto r = s.contacts.import(s.a, *report, l.id, "import");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, diskret::Errc::not_found);
  EXPECT_FALSE(*s.contacts.find_by_phone(s.a, "+4915123456789"));
}

TEST(DoubleOptIn, StartThenConfirmMakesSendable) {
  Services s;
  auto started = s.contacts.start_double_opt_in(s.a, "+4915123456789", "Antworte JA", "api_key:1");
  ASSERT_TRUE(started) << started.error().message();  // NOLINT
  EXPECT_EQ(marketing_consent(started->consent), ConsentState::awaiting_confirmation);
  auto gate = s.gate.check(s.a, true, std::vector<std::string>{"+4915123456789"});
  EXPECT_EQ(gate->at(0), Block::no_consent);

  s.fx.clock.advance(5min);
  const DoubleOptInSettings settings;
  EXPECT_EQ(*s.contacts.confirm_double_opt_in(s.b, "+4915123456789", settings),
            Confirmation::unknown_number);  // tenant B never asked
  EXPECT_EQ(*s.contacts.confirm_double_opt_in(s.a, "+4915123456789", settings),
            Confirmation::confirmed);
  EXPECT_EQ(*s.contacts.confirm_double_opt_in(s.a, "+4915123456789", settings),
            Confirmation::not_pending);
  gate = s.gate.check(s.a, true, std::vector<std::string>{"+4915123456789"});
  EXPECT_EQ(gate->at(0), Block::none);
  EXPECT_EQ(s.contacts.consent_history(s.a, started->id)->size(), 2u);
  auto restart = s.contacts.start_double_opt_in(s.a, "+4915123456789", "JA?", "t");
  ASSERT_FALSE(restart);
  EXPECT_EQ(restart.error().code, diskret::Errc::already_exists);
}

TEST(DoubleOptIn, LateConfirmationExpires) {
  Services s;
  ASSERT_TRUE(s.contacts.start_double_opt_in(s.a, "+4915123456789", "Antworte JA", "t"));
  s.fx.clock.advance(std::chrono::hours{24 * 31});
  EXPECT_EQ(*s.contacts.confirm_double_opt_in(s.a, "+4915123456789", DoubleOptInSettings{}),
            Confirmation::expired);
}

TEST(DoubleOptIn, SuppressedNumberGetsNoRequest) {
  Services s;
  ASSERT_TRUE(s.suppressions.add(s.a, "+4915123456789", "", "api"));
  auto r = s.contacts.start_double_opt_in(s.a, "+4915123456789", "Antworte JA", "t");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::suppressed);
}

}  // namespace
}  // namespace diskret::contacts
