#include "store/sqlite/sqlite_store.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "core/thread_name.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/rows.hpp"

namespace diskret::store::sqlite {
namespace {

Expected<void> configure_writer(SqliteDb& db, const SqliteOptions& o) {
  // WAL lets readers run beside the writer. synchronous=NORMAL: SQLite syncs the log
  // before and the database after each checkpoint, never at a commit; SqliteStore::sync()
  // fdatasyncs the logs of both files (WalSync), which is what makes an acknowledged
  // message durable.
  const std::string pragmas = fmt::format(
      "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; PRAGMA synchronous = {};"
      "PRAGMA foreign_keys = ON; PRAGMA cache_size = -{}; PRAGMA temp_store = MEMORY;"
      // The checkpointer thread (below) copies the log back; the writer checkpoints only
      // past 10,000 pages (40 MB), which restarts a log that continuous writes kept the
      // checkpointer from ever finishing, and finds little left to copy by then.
      "PRAGMA wal_autocheckpoint = 10000;",
      o.busy_timeout.count(), o.fsync ? "NORMAL" : "OFF", o.cache_kib);
  return db.exec(pragmas);
}

Expected<SqliteDb> open_writer(const std::filesystem::path& path, const SqliteOptions& o) {
  auto db = SqliteDb::open(path, OpenMode::read_write_create);
  if (!db) return unexpected(db.error());
  if (auto ok = configure_writer(*db, o); !ok) return unexpected(ok.error());
  return db;
}

}  // namespace

Expected<SqliteOptions> SqliteOptions::from_url(std::string_view url,
                                                const std::filesystem::path& data_dir) {
  constexpr std::string_view kScheme = "sqlite:";
  if (!url.starts_with(kScheme)) {
    return fail(Errc::invalid_argument, "store url must start with sqlite:");
  }
  std::string_view path = url.substr(kScheme.size());
  if (path.starts_with("//")) path.remove_prefix(2);  // sqlite:///abs/path -> /abs/path
  if (path.empty()) return fail(Errc::invalid_argument, "store url names no file");
  SqliteOptions o;
  o.main_path = std::filesystem::path(path);
  o.keys_path = data_dir / "keys.db";
  return o;
}

Expected<std::unique_ptr<SqliteStore>> SqliteStore::open(const SqliteOptions& options,
                                                         const Clock& clock) {
  for (const auto* path : {&options.main_path, &options.keys_path}) {
    if (path->has_parent_path()) {
      std::error_code ec;
      std::filesystem::create_directories(path->parent_path(), ec);
      if (ec) {
        return fail(Errc::unavailable, fmt::format("cannot create {}: {}",
                                                   path->parent_path().string(), ec.message()));
      }
    }
  }
  auto main = open_writer(options.main_path, options);
  if (!main) return unexpected(main.error());
  if (options.max_page_count) {
    auto ok = main->exec(fmt::format("PRAGMA max_page_count = {}", *options.max_page_count));
    if (!ok) return unexpected(ok.error());
  }
  auto keys = open_writer(options.keys_path, options);
  if (!keys) return unexpected(keys.error());
  return std::make_unique<SqliteStore>(OpenToken{}, options, clock, std::move(*main),
                                       std::move(*keys));
}

SqliteStore::SqliteStore(OpenToken, const SqliteOptions& options, const Clock& clock,
                         SqliteDb main, SqliteDb keys)
    : options_(options),
      clock_(clock),
      main_(std::move(main)),
      keys_(std::move(keys)),
      main_log_(options.main_path),
      keys_log_(options.keys_path),
      checkpointer_(core::named_thread("checkpointer", [this] { run_checkpointer(); })) {}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(checkpoint_mutex_);
    checkpoint_stop_ = true;
  }
  checkpoint_cv_.notify_one();
  checkpointer_.join();
}

// Checkpoints copy the logs back into the database files: CPU and two fsyncs per file.
// SQLite's automatic ones would run inside a writer's COMMIT, stalling every request of
// that group commit; here they run on connections of their own, beside the writer
// (PASSIVE: never waiting for it or for readers), a few times a second while there are
// commits. The connections' synchronous=NORMAL syncs the log before and the database
// after each one, so a checkpoint never costs durability.
void SqliteStore::run_checkpointer() {
  std::optional<SqliteDb> main, keys;
  std::uint64_t seen = 0;
  std::unique_lock lock(checkpoint_mutex_);
  for (;;) {
    checkpoint_cv_.wait_for(lock, std::chrono::milliseconds{200}, [&] { return checkpoint_stop_; });
    if (checkpoint_stop_) return;
    const std::uint64_t commits = commits_.load();
    if (commits == seen) continue;
    seen = commits;
    lock.unlock();
    for (auto [db, path] : {std::pair{&main, &options_.main_path}, std::pair{&keys, &options_.keys_path}}) {
      if (!*db) {
        auto opened = SqliteDb::open(*path, OpenMode::read_write_create);
        if (!opened || !opened->exec(fmt::format("PRAGMA busy_timeout = 100; PRAGMA synchronous = {};",
                                                 options_.fsync ? "NORMAL" : "OFF"))) {
          continue;
        }
        db->emplace(std::move(*opened));
      }
      const int rc = sqlite3_wal_checkpoint_v2((*db)->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                               nullptr, nullptr);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        spdlog::warn("store: checkpoint of {} failed: {}", path->string(), sqlite3_errstr(rc));
      }
    }
    lock.lock();
  }
}

Expected<void> SqliteStore::migrate() {
  std::lock_guard lock(write_mutex_);
  auto keys = apply_migrations(keys_, keys_migrations(), clock_.now_ms());
  if (!keys) return unexpected(keys.error());
  auto main = apply_migrations(main_, main_migrations(), clock_.now_ms());
  if (!main) return unexpected(main.error());
  // synchronous=NORMAL: the new schema is on disk only after a sync.
  return sync(Unsynced{.keys = *keys > 0});
}

std::uint64_t SqliteStore::commits() const { return commits_.load(); }

Expected<void> SqliteStore::sync(const Unsynced& commit) {
  if (!options_.fsync) return {};
  if (!commit.keys) return main_log_.sync();
  // One after the other, keys first (the commit order). Measured on this machine, two
  // flushes side by side (a thread for the second) took longer than two in a row:
  // 770-1,050 us against 610-670 us with 40 KiB written to each file.
  if (auto keys = keys_log_.sync(); !keys) return keys;
  return main_log_.sync();
}

Expected<SqliteStore::ReadLease> SqliteStore::reader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return ReadLease(*this, std::move(db));
    }
  }
  auto db = SqliteDb::open(options_.main_path, OpenMode::read_write_create);
  if (!db) return unexpected(db.error());
  auto ok = db->exec(fmt::format("PRAGMA busy_timeout = {}; PRAGMA query_only = ON;",
                                 options_.busy_timeout.count()));
  if (!ok) return unexpected(ok.error());
  auto attach = db->prepare("ATTACH DATABASE ? AS keys");
  if (!attach) return unexpected(attach.error());
  const std::string keys_path = options_.keys_path.string();
  attach->bind_text(1, keys_path);
  if (auto done = attach->run(); !done) return unexpected(done.error());
  return ReadLease(*this, std::make_unique<SqliteDb>(std::move(*db)));
}

Expected<SqlReadLease> SqliteStore::sql_reader() {
  auto lease = reader();
  if (!lease) return unexpected(lease.error());
  SqliteDb* db = lease->release();
  return SqlReadLease(db, [this](SqlDb* d) { give_back(std::unique_ptr<SqliteDb>(static_cast<SqliteDb*>(d))); });
}

Expected<std::unique_ptr<SqlDb>> SqliteStore::sql_connect() {
  auto db = SqliteDb::open_beside(options_.main_path, options_.busy_timeout);
  if (!db) return unexpected(db.error());
  return std::unique_ptr<SqlDb>(std::make_unique<SqliteDb>(std::move(*db)));
}

void SqliteStore::give_back(std::unique_ptr<SqliteDb> db) {
  // A reader left inside a transaction would hold its snapshot (and the log) for good.
  if (db->in_transaction() && (!db->rollback() || db->in_transaction())) return;
  std::lock_guard lock(readers_mutex_);
  if (idle_readers_.size() < options_.max_idle_readers) idle_readers_.push_back(std::move(db));
}

}  // namespace diskret::store::sqlite
