// SqliteMessageStats: a tenant's messages counted per bucket in the database, by the time
// in their ids; other tenants and messages outside the range are not counted.
#include "store/sqlite/sqlite_message_stats.hpp"

#include <gtest/gtest.h>

#include "unit/store/store_fixture.hpp"

namespace diskret::store::sqlite {
namespace {

using testing::StoreFixture;
using testing::TempDir;

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kStart = 1'700'000'000'000;  // a bucket boundary for the test

std::uint64_t seq = 0;

MessageRecord message_at(std::int64_t ms, std::uint64_t tenant, std::uint8_t status) {
  MessageRecord m;
  m.id = (static_cast<std::uint64_t>(ms) << 16) | (++seq & 0xFFFF);
  m.tenant_id = tenant;
  m.status = status;
  m.segments = 1;
  m.encoding = "gsm7";
  m.sender = "Diskret";
  m.payload = "opaque";
  return m;
}

TEST(SqliteMessageStats, CountsPerBucketForTheTenantOnly) {
  TempDir dir;
  StoreFixture fixture(dir);
  const auto a = fixture.create_tenant("tn_a");
  const auto b = fixture.create_tenant("tn_b");
  {
    auto tx = fixture.store->begin();
    ASSERT_TRUE(tx);
    const std::vector<MessageRecord> rows{
        message_at(kStart + 1, a, state::kDelivered), message_at(kStart + 2, a, state::kDelivered),
        message_at(kStart + 3, a, state::kFailed),    message_at(kStart + 4, a, state::kRejected),
        message_at(kStart + 5, a, state::kSubmitted), message_at(kStart + kDay + 7, a, state::kExpired),
        message_at(kStart + 2 * kDay + 9, a, state::kDelivered),
        message_at(kStart - 1, a, state::kDelivered),           // before the range
        message_at(kStart + 3 * kDay, a, state::kDelivered),    // at its end: outside
        message_at(kStart + 10, b, state::kDelivered)};         // another tenant
    for (const auto& m : rows) ASSERT_TRUE((*tx)->insert_message(m));
    ASSERT_TRUE((*tx)->commit());
  }
  auto stats = SqliteMessageStats::open(dir.path() / "diskret.db");
  ASSERT_TRUE(stats) << stats.error().message();
  auto days = (*stats)->buckets(a, kStart, kStart + 3 * kDay, kDay);
  ASSERT_TRUE(days) << days.error().message();
  ASSERT_EQ(days->size(), 3u);
  EXPECT_EQ((*days)[0].start_ms, kStart);
  EXPECT_EQ((*days)[0].sent, 4u);  // rejected is not sent
  EXPECT_EQ((*days)[0].delivered, 2u);
  EXPECT_EQ((*days)[0].failed, 1u);
  EXPECT_EQ((*days)[0].rejected, 1u);
  EXPECT_EQ((*days)[1].start_ms, kStart + kDay);
  EXPECT_EQ((*days)[1].failed, 1u) << "expired counts as failed";
  EXPECT_EQ((*days)[2].delivered, 1u);
  auto hours = (*stats)->buckets(a, kStart, kStart + kHour, kHour);
  ASSERT_TRUE(hours);
  ASSERT_EQ(hours->size(), 1u);
  EXPECT_EQ(hours->front().sent, 4u);
  auto other = (*stats)->buckets(b, kStart, kStart + kDay, kDay);
  ASSERT_TRUE(other);
  ASSERT_EQ(other->size(), 1u);
  EXPECT_EQ(other->front().delivered, 1u);
  EXPECT_TRUE((*stats)->buckets(a, kStart, kStart, kDay)->empty());
}

}  // namespace
}  // namespace diskret::store::sqlite
