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
  SqliteMessageStats(OpenToken, SqliteDb db);

  // MessageStats
  Expected<std::vector<MessageBucket>> buckets(std::uint64_t tenant, std::int64_t from_ms,
                                               std::int64_t until_ms,
                                               std::int64_t bucket_ms) override;

 private:
  std::mutex mutex_;
  SqliteDb db_;
};

}  // namespace diskret::store::sqlite
