#pragma once
/// SqliteStore: the embedded Store. Two files (main database and key store), WAL with
/// synchronous=NORMAL plus an fdatasync of both logs (keys first) before any commit is
/// reported durable, one write connection per file guarded by a mutex (the open
/// WriteTransaction holds it), and a small pool of read connections.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sql_db.hpp"
#include "store/sqlite/wal_sync.hpp"
#include "store/store.hpp"

namespace diskret::store::sqlite {

struct SqliteOptions {
  std::filesystem::path main_path = "var/diskret.db";
  std::filesystem::path keys_path = "var/keys.db";
  std::chrono::milliseconds busy_timeout{5'000};
  int cache_kib = 16 * 1024;  ///< page cache per write connection
  /// Every commit is fsync'd (commit(), or commit_unsynced() then sync()). Tests may turn
  /// it off (commits then survive a process crash but not a power loss); production never
  /// does.
  bool fsync = true;
  /// Size limit of the main database in pages (a quota; tests use it to fill the "disk").
  std::optional<std::uint32_t> max_page_count;
  std::size_t max_idle_readers = 4;

  /// From `[store] url` ("sqlite:var/diskret.db" or "sqlite:///abs/path.db"); the key
  /// store is keys.db in `data_dir`.
  static Expected<SqliteOptions> from_url(std::string_view url,
                                          const std::filesystem::path& data_dir);
};

class SqliteStore final : public Store, public SqlHost {
  struct OpenToken {};  // only open() constructs

 public:
  /// Opens (creating when missing) both files and sets the pragmas; call migrate() next.
  static Expected<std::unique_ptr<SqliteStore>> open(const SqliteOptions& options,
                                                     const Clock& clock);
  SqliteStore(OpenToken, const SqliteOptions& options, const Clock& clock, SqliteDb main,
              SqliteDb keys);
  ~SqliteStore() override;

  // Store
  Expected<void> migrate() override;
  Expected<std::unique_ptr<WriteTransaction>> begin() override;
  Expected<void> sync(const Unsynced& commit) override;
  Expected<std::optional<TenantKeyRecord>> tenant_key(std::uint64_t tenant) override;
  Expected<std::optional<SubjectRecord>> subject(std::uint64_t subject_id) override;
  Expected<std::vector<SubjectRecord>> subjects(const std::vector<std::uint64_t>& ids) override;
  Expected<std::uint64_t> max_subject_id() override;
  Expected<std::optional<TenantRecord>> tenant(std::uint64_t id) override;
  Expected<std::optional<TenantRecord>> tenant_by_public_id(std::string_view public_id) override;
  Expected<std::vector<ApiKeyRecord>> api_keys(std::uint64_t tenant) override;
  Expected<std::optional<ApiKeyRecord>> api_key_by_prefix(std::string_view prefix) override;
  Expected<std::optional<MessageRecord>> message(std::uint64_t tenant, std::uint64_t id) override;
  Expected<std::vector<MessageRecord>> messages(const MessageQuery& query) override;
  Expected<std::optional<IdempotencyRecord>> idempotency(std::uint64_t tenant,
                                                         const std::string& key) override;
  Expected<std::vector<MessageRecord>> pending_messages(std::uint64_t after_id,
                                                        std::size_t limit) override;
  Expected<std::vector<MessageRecord>> due_messages(std::int64_t now_ms,
                                                    std::size_t limit) override;
  Expected<std::optional<std::int64_t>> next_send_at(std::int64_t after_ms) override;
  Expected<std::uint64_t> count_accepted() override;
  Expected<std::uint64_t> max_message_id() override;

  /// Number of write transactions committed since open (for tests and metrics).
  std::uint64_t commits() const;

  // For stores of further records in the same files (store/sqlite/sqlite_contact_store):
  // their writes join this store's transactions, their reads use its reader pool.
  /// A read connection (main database with the key store attached as `keys`), returned
  /// to the pool when the lease ends.
  class ReadLease {
   public:
    ReadLease(SqliteStore& store, std::unique_ptr<SqliteDb> db)
        : store_(&store), db_(std::move(db)) {}
    ReadLease(ReadLease&& o) noexcept = default;
    ReadLease& operator=(ReadLease&&) = delete;
    ~ReadLease() {
      if (db_) store_->give_back(std::move(db_));
    }
    SqliteDb* operator->() const { return db_.get(); }
    /// Keeps the connection from going back to the pool (the caller returns it).
    SqliteDb* release() { return db_.release(); }

   private:
    SqliteStore* store_;
    std::unique_ptr<SqliteDb> db_;
  };
  Expected<ReadLease> reader();
  /// The main-database connection that `tx` writes on; `tx` must come from this store's
  /// begin() and still be open.
  SqliteDb& main_db(WriteTransaction& tx);

  // SqlHost
  SqlDialect dialect() const override { return SqlDialect::sqlite; }
  Expected<SqlReadLease> sql_reader() override;
  SqlDb& sql_writer(WriteTransaction& tx) override { return main_db(tx); }
  Expected<std::unique_ptr<SqlDb>> sql_connect() override;

 private:
  class Transaction;
  /// Runs `sql` on a read connection: bind(stmt) sets its parameters, read(stmt) the result.
  template <class Bind, class Read>
  auto read(std::string_view sql, Bind bind, Read read_result)
      -> decltype(read_result(std::declval<SqliteStatement&>()));
  void give_back(std::unique_ptr<SqliteDb> db);

  SqliteOptions options_;
  const Clock& clock_;
  std::mutex write_mutex_;  // held by the open Transaction
  SqliteDb main_;
  SqliteDb keys_;
  WalSync main_log_;
  WalSync keys_log_;
  std::atomic<std::uint64_t> commits_{0};
  void run_checkpointer();
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_stop_ = false;
  mutable std::mutex readers_mutex_;
  std::vector<std::unique_ptr<SqliteDb>> idle_readers_;
  std::thread checkpointer_;  // last: starts once everything above exists
};

}  // namespace diskret::store::sqlite
