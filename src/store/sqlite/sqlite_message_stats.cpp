#include "store/sqlite/sqlite_message_stats.hpp"

namespace diskret::store::sqlite {
namespace {

// Ids are (created ms << 16 | sequence): the id range selects the time range on the index.
constexpr std::string_view kBuckets =
    "SELECT ((id >> 16) - ?1) / ?2 AS b, COUNT(*), SUM(status = 2), SUM(status IN (3, 4)), "
    "SUM(status = 5) FROM messages INDEXED BY messages_tenant "
    "WHERE tenant_id = ?3 AND id >= ?4 AND id < ?5 GROUP BY b ORDER BY b";
// PostgreSQL: no INDEXED BY (its planner takes messages_tenant for the id range), no SUM of
// a comparison.
constexpr std::string_view kBucketsPg =
    "SELECT ((id >> 16) - ?1) / ?2 AS b, COUNT(*), COUNT(*) FILTER (WHERE status = 2), "
    "COUNT(*) FILTER (WHERE status IN (3, 4)), COUNT(*) FILTER (WHERE status = 5) FROM messages "
    "WHERE tenant_id = ?3 AND id >= ?4 AND id < ?5 GROUP BY b ORDER BY b";

}  // namespace

Expected<std::unique_ptr<SqliteMessageStats>> SqliteMessageStats::open(
    const std::filesystem::path& main_path, std::chrono::milliseconds busy_timeout) {
  auto db = SqliteDb::open_beside(main_path, busy_timeout);
  if (!db) return unexpected(db.error());
  return std::make_unique<SqliteMessageStats>(OpenToken{}, std::make_unique<SqliteDb>(std::move(*db)));
}

SqliteMessageStats::SqliteMessageStats(OpenToken, std::unique_ptr<SqlDb> db) : db_(std::move(db)) {}

Expected<std::vector<MessageBucket>> SqliteMessageStats::buckets(std::uint64_t tenant,
                                                                 std::int64_t from_ms,
                                                                 std::int64_t until_ms,
                                                                 std::int64_t bucket_ms) {
  std::vector<MessageBucket> out;
  if (until_ms <= from_ms || bucket_ms <= 0 || from_ms < 0) return out;
  std::lock_guard lock(mutex_);
  auto s = db_->use(db_->dialect() == SqlDialect::sqlite ? kBuckets : kBucketsPg);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, from_ms);
  (*s)->bind(2, bucket_ms);
  (*s)->bind(3, tenant);
  (*s)->bind(4, from_ms << 16);
  (*s)->bind(5, until_ms << 16);
  for (;;) {
    auto row = (*s)->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    MessageBucket b;
    b.start_ms = from_ms + (*s)->int64(0) * bucket_ms;
    const auto all = static_cast<std::uint64_t>((*s)->int64(1));
    b.delivered = static_cast<std::uint64_t>((*s)->int64(2));
    b.failed = static_cast<std::uint64_t>((*s)->int64(3));
    b.rejected = static_cast<std::uint64_t>((*s)->int64(4));
    b.sent = all - b.rejected;
    out.push_back(b);
  }
  return out;
}

}  // namespace diskret::store::sqlite
