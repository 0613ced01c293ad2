// SqliteCampaignStore on a migrated database: recipients are the members of the lists
// minus the excluded lists, once each and only the tenant's; status changes are
// compare-and-set; counts follow recipient states and message statuses.
#include "store/sqlite/sqlite_campaign_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "unit/store/store_fixture.hpp"

namespace diskret::store {
namespace {

using testing::StoreFixture;
using testing::TempDir;

class CampaignStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture_ = std::make_unique<StoreFixture>(dir_);
    tenant_ = fixture_->create_tenant("tn_a");
    other_ = fixture_->create_tenant("tn_b");
    auto s = sqlite::SqliteCampaignStore::open(dir_.path() / "diskret.db");
    ASSERT_TRUE(s) << s.error().message();
    store_ = std::move(*s);
    ASSERT_EQ(::sqlite3_open((dir_.path() / "diskret.db").c_str(), &raw_), SQLITE_OK);
  }
  void TearDown() override { ::sqlite3_close(raw_); }

  void sql(const std::string& text) {
    char* error = nullptr;
    ASSERT_EQ(::sqlite3_exec(raw_, text.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
  }
  void contact(std::uint64_t id, std::uint64_t tenant) {
    sql("INSERT INTO contacts(id, tenant_id, blind, subject_id, sealed, created_at, updated_at) "
        "VALUES (" + std::to_string(id) + ", " + std::to_string(tenant) + ", x'" +
        std::to_string(id) + "0', 1, x'00', 0, 0)");
  }
  void list(std::uint64_t id, std::uint64_t tenant) {
    sql("INSERT INTO contact_lists(id, tenant_id, name, created_at) VALUES (" + std::to_string(id) +
        ", " + std::to_string(tenant) + ", 'l" + std::to_string(id) + "', 0)");
  }
  void member(std::uint64_t list, std::uint64_t contact) {
    sql("INSERT INTO list_members(list_id, contact_id) VALUES (" + std::to_string(list) + ", " +
        std::to_string(contact) + ")");
  }
  std::uint64_t campaign(std::vector<std::uint64_t> lists, std::vector<std::uint64_t> excluded) {
    CampaignRecord r;
    r.tenant_id = tenant_;
    r.name = "c";
    r.lists = std::move(lists);
    r.exclude_lists = std::move(excluded);
    r.sender = "Laden";
    r.template_text = "Hi";
    r.rate_per_minute = 60;
    r.status = "draft";
    auto id = store_->insert(r);
    EXPECT_TRUE(id);
    return id ? *id : 0;
  }

  TempDir dir_;
  std::unique_ptr<StoreFixture> fixture_;
  std::unique_ptr<sqlite::SqliteCampaignStore> store_;
  sqlite3* raw_ = nullptr;
  std::uint64_t tenant_ = 0, other_ = 0;
};

TEST_F(CampaignStoreTest, RecipientsAreListMembersMinusExcludedOnceEach) {
  for (std::uint64_t c = 1; c <= 5; ++c) contact(c, tenant_);
  contact(6, other_);
  list(1, tenant_);
  list(2, tenant_);
  list(3, tenant_);
  list(4, other_);
  for (std::uint64_t c : {1, 2, 3}) member(1, c);
  for (std::uint64_t c : {3, 4, 5}) member(2, c);  // 3 is in both lists
  member(3, 5);                                    // excluded
  member(1, 6);                                    // another tenant's contact: never
  member(4, 2);                                    // another tenant's list: ignored
  const auto id = campaign({1, 2, 4}, {3});
  auto started = store_->transition(tenant_, id, "draft", "running", 1, true);
  ASSERT_TRUE(started && *started);
  auto pending = store_->pending(id, 100, 0);
  ASSERT_TRUE(pending);
  EXPECT_EQ(*pending, (std::vector<std::uint64_t>{1, 2, 3, 4}));
  auto counts = store_->counts(id);
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->pending, 4u);
}

TEST_F(CampaignStoreTest, TransitionIsCompareAndSetAndTenantScoped) {
  const auto id = campaign({}, {});
  EXPECT_FALSE(*store_->transition(other_, id, "draft", "running", 1, false));
  EXPECT_TRUE(*store_->transition(tenant_, id, "draft", "running", 1, false));
  EXPECT_FALSE(*store_->transition(tenant_, id, "draft", "running", 1, false));
  EXPECT_EQ((*store_->get(tenant_, id))->status, "running");
  EXPECT_FALSE(*store_->get(other_, id));
  auto active = store_->active();
  ASSERT_TRUE(active);
  ASSERT_EQ(active->size(), 1u);
  EXPECT_TRUE(*store_->transition(tenant_, id, "running", "paused", 2, false));
  EXPECT_TRUE(store_->active()->empty());
}

TEST_F(CampaignStoreTest, CountsFollowRecipientStatesAndMessageStatuses) {
  for (std::uint64_t c = 1; c <= 4; ++c) {
    contact(c, tenant_);
  }
  list(1, tenant_);
  for (std::uint64_t c = 1; c <= 4; ++c) member(1, c);
  const auto id = campaign({1}, {});
  ASSERT_TRUE(*store_->transition(tenant_, id, "draft", "running", 1, true));
  // Messages 101 (delivered) and 102 (failed) as the pipeline would store them.
  for (auto [mid, status] : {std::pair{101, 2}, std::pair{102, 3}}) {
    sql("INSERT INTO messages(id, tenant_id, status, category, segments, encoding, sender, "
        "payload) VALUES (" + std::to_string(mid) + ", " + std::to_string(tenant_) + ", " +
        std::to_string(status) + ", 1, 1, 'gsm7', 'Laden', x'00')");
  }
  ASSERT_TRUE(store_->mark(id, {{1, CampaignRecipientState::sent, 101, ""},
                                {2, CampaignRecipientState::sent, 102, ""}}));
  ASSERT_TRUE(store_->mark(id, {{3, CampaignRecipientState::rejected, std::nullopt, "suppressed"}}));
  auto counts = store_->counts(id);
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->pending, 1u);
  EXPECT_EQ(counts->sent, 2u);
  EXPECT_EQ(counts->delivered, 1u);
  EXPECT_EQ(counts->failed, 1u);
  EXPECT_EQ(counts->rejected, 1u);
  ASSERT_EQ(counts->rejected_by_reason.size(), 1u);
  EXPECT_EQ(counts->rejected_by_reason[0].first, "suppressed");
  EXPECT_EQ(*store_->pending(id, 10, 0), (std::vector<std::uint64_t>{4}));
  EXPECT_EQ(*store_->message_ids(tenant_, id), (std::vector<std::uint64_t>{101, 102}));
  EXPECT_TRUE(store_->message_ids(other_, id)->empty());
}

}  // namespace
}  // namespace diskret::store
