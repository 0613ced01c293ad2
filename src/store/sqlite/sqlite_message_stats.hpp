#pragma once
/// SqliteMessageStats: MessageStats over the messages table (range scan of the index
/// messages_tenant by time-ordered id), on a connection of its own.
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>

#include "store/message_stats.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace diskret::store::sqlite {

class SqliteMessageStats final : public MessageStats {
  struct OpenToken {};

 public:
  static Expected<std::unique_ptr<SqliteMessageStats>> open(
      const std::filesystem::path& main_path,
      std::chrono::milliseconds busy_timeout = std::chrono::milliseconds{5'000});
  SqliteMessageStats(OpenToken, std::unique_ptr<SqlDb> db);
  /// On a connection of its own (SqlHost::sql_connect(): either backend).
  static std::unique_ptr<SqliteMessageStats> open_on(std::unique_ptr<SqlDb> db) {
    return std::make_unique<SqliteMessageStats>(OpenToken{}, std::move(db));
  }

  // MessageStats
  Expected<std::vector<MessageBucket>> buckets(std::uint64_t tenant, std::int64_t from_ms,
                                               std::int64_t until_ms,
                                               std::int64_t bucket_ms) override;

 private:
  std::mutex mutex_;
  std::unique_ptr<SqlDb> db_;
};

}  // namespace diskret::store::sqlite
