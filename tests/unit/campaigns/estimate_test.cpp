// CampaignEstimator on a real SQLite store with contacts made through ContactService: the
// audience (lists minus exclusions) is read a page at a time, each personalised text is
// planned, counted per encoding and priced; suppressed contacts cost nothing.
#include "campaigns/estimate.hpp"

#include <gtest/gtest.h>

#include "sms/text.hpp"
#include "store/sqlite/sqlite_campaign_store.hpp"
#include "unit/contacts/service_fixture.hpp"

namespace diskret::campaigns {
namespace {

// Plans like the API would for the counting: segments and encoding of the text; the
// numbers in `suppressed` are rejected.
class CountingPlanner final : public Planner {
 public:
  std::set<std::string> suppressed;
  std::size_t calls = 0;
  Expected<pipeline::NewMessage> plan(std::uint64_t, const std::string& phone, std::string text,
                                      const std::string& sender,
                                      pipeline::Category category) override {
    ++calls;
    pipeline::NewMessage m;
    m.to = phone;
    m.from = sender;
    m.category = category;
    auto info = sms::analyse(text);
    if (!info) return fail(Errc::invalid_argument, "bad text");
    m.segments = static_cast<std::uint16_t>(info->segments);
    m.encoding = sms::encoding_name(info->encoding);
    m.text = std::move(text);
    if (suppressed.contains(phone)) m.rejected = pipeline::MessageError{"suppressed", "opted out"};
    return m;
  }
};

class EstimateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::sqlite::SqliteCampaignStore::open(s_.dir.path() / "diskret.db");
    ASSERT_TRUE(opened) << opened.error().message();
    store_ = std::move(*opened);
    list_ = s_.contacts.create_list(s_.a, "Alle")->id;
    excluded_ = s_.contacts.create_list(s_.a, "Gesperrt")->id;
    for (int i = 0; i < 25; ++i) {
      contacts::ContactInput in;
      in.phone = "+4915120000" + std::to_string(100 + i);
      // Every fifth has a name that needs UCS-2 and is long enough for two segments.
      if (i % 5 == 0) in.first_name = "Юлия" + std::string(70, 'x');
      in.lists = {list_};
      if (i >= 23) in.lists.push_back(excluded_);  // two excluded
      ASSERT_TRUE(s_.contacts.create(s_.a, in, "test"));
    }
    contacts::ContactInput other;  // another tenant's contact is never counted
    other.phone = "+4915120000999";
    ASSERT_TRUE(s_.contacts.create(s_.b, other, "test"));
  }

  store::CampaignRecord campaign() {
    store::CampaignRecord r;
    r.tenant_id = s_.a;
    r.name = "c";
    r.lists = {list_};
    r.exclude_lists = {excluded_};
    r.sender = "Laden";
    r.template_text = "Hallo {{first_name|Kundin}}";
    r.category = 1;
    r.rate_per_minute = 60;
    r.status = "draft";
    r.id = *store_->insert(r);
    return r;
  }

  contacts::testing::Services s_;
  std::unique_ptr<store::sqlite::SqliteCampaignStore> store_;
  CountingPlanner planner_;
  std::uint64_t list_ = 0, excluded_ = 0;
};

TEST_F(EstimateTest, CountsEncodingsSegmentsAndCostOverTheAudienceInPages) {
  planner_.suppressed = {"+4915120000101"};
  CampaignEstimator estimator(
      *store_, s_.contacts, planner_,
      [](const std::string&, std::uint32_t segments) { return 7 * std::int64_t{segments}; },
      /*page=*/4);
  const auto c = campaign();
  auto e = estimator.compute(c);
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_EQ(e->recipients, 23u);  // 25 minus 2 excluded
  EXPECT_EQ(e->rejected, 1u);
  EXPECT_EQ(e->sendable, 22u);
  EXPECT_EQ(e->ucs2, 5u);   // i = 0, 5, 10, 15, 20
  EXPECT_EQ(e->gsm7, 17u);
  EXPECT_EQ(e->segments, 17u + 5u * 2u);
  EXPECT_EQ(e->cost_cents, 7 * std::int64_t(17 + 10));
  EXPECT_EQ(planner_.calls, 23u);
  // The audience is what start would materialise.
  auto all = store_->audience(s_.a, c.id, 0, 100);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 23u);
  EXPECT_TRUE(std::is_sorted(all->begin(), all->end()));
  auto page = store_->audience(s_.a, c.id, (*all)[3], 5);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->front(), (*all)[4]);
  EXPECT_EQ(page->size(), 5u);
  EXPECT_FALSE(store_->audience(s_.b, c.id, 0, 10)) << "another tenant's campaign";
}

TEST_F(EstimateTest, StopsWhenAskedBetweenPages) {
  CampaignEstimator estimator(*store_, s_.contacts, planner_, {}, 4);
  int pages = 0;
  auto e = estimator.compute(campaign(), [&] { return ++pages <= 2; });
  ASSERT_FALSE(e);
  EXPECT_EQ(planner_.calls, 8u);
}

TEST(Estimate, AddsOnlySendableMessagesToCostAndEncodings) {
  Estimate e;
  pipeline::NewMessage m;
  m.segments = 2;
  m.encoding = "ucs2";
  add_to(e, m, 14);
  m.rejected = pipeline::MessageError{"suppressed", ""};
  add_to(e, m, 14);
  EXPECT_EQ(e, (Estimate{2, 1, 1, 2, 14, 0, 1}));
}

}  // namespace
}  // namespace diskret::campaigns
