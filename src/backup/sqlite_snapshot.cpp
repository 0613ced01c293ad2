#include "backup/sqlite_snapshot.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <memory>
#include <string>

#include <fmt/format.h>

#include "backup/errc.hpp"

namespace diskret::backup {
namespace {

namespace fs = std::filesystem;

struct Closer {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, Closer>;

unexpected<Error> sqlite_failure(std::string_view what, sqlite3* db, int rc) {
  return fail(Errc::snapshot_failed,
              fmt::format("{}: {}", what, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

Expected<Db> open(const fs::path& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return sqlite_failure(fmt::format("cannot open {}", path.string()), db.get(), rc);
  sqlite3_busy_timeout(db.get(), 10'000);
  return db;
}

Expected<std::int64_t> query_int(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr); rc != SQLITE_OK) {
    return sqlite_failure("query", db, rc);
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  const int rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_ROW) return sqlite3_column_int64(stmt.get(), 0);
  if (rc == SQLITE_DONE) return 0;
  return sqlite_failure("query", db, rc);
}

Expected<void> exec(sqlite3* db, const char* sql) {
  char* msg = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &msg);
  std::string text = msg != nullptr ? msg : "";
  sqlite3_free(msg);
  if (rc != SQLITE_OK) return fail(Errc::snapshot_failed, fmt::format("{}: {}", sql, text));
  return {};
}

}  // namespace

Expected<SnapshotInfo> snapshot_sqlite(const fs::path& source, const fs::path& dest) {
  std::error_code ec;
  if (!fs::exists(source, ec)) {
    return fail(Errc::snapshot_failed, fmt::format("database {} does not exist", source.string()));
  }
  // Create the destination ourselves with mode 0600 before SQLite opens it.
  const int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail(Errc::io_error, fmt::format("cannot create {}", dest.string()));
  ::close(fd);
  // Removes the partial copy on every failure path.
  struct Discard {
    const fs::path& path;
    bool keep = false;
    ~Discard() {
      std::error_code ignored;
      if (!keep) fs::remove(path, ignored);
    }
  } discard{dest};

  // Read-write without create: a WAL database needs its -shm, and a missing file must
  // not be created empty.
  auto src = open(source, SQLITE_OPEN_READWRITE);
  if (!src) return unexpected(src.error());
  auto dst = open(dest, SQLITE_OPEN_READWRITE);
  if (!dst) return unexpected(dst.error());

  sqlite3_backup* b = sqlite3_backup_init(dst->get(), "main", src->get(), "main");
  if (b == nullptr) return sqlite_failure("cannot start the backup", dst->get(), 0);
  // All pages in one step: one read transaction, hence one consistent snapshot. Stepping
  // in pieces would restart whenever another connection commits, and might never end
  // under steady traffic.
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 100; ++attempt) {
    rc = sqlite3_backup_step(b, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(50);
  }
  const auto pages = static_cast<std::uint64_t>(sqlite3_backup_pagecount(b));
  const int finish_rc = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE || finish_rc != SQLITE_OK) {
    return sqlite_failure("online backup", dst->get(), rc != SQLITE_DONE ? rc : finish_rc);
  }
  // The copy carries the source's WAL flag; make it one self-contained file.
  if (auto ok = exec(dst->get(), "PRAGMA journal_mode=DELETE"); !ok) return unexpected(ok.error());
  SnapshotInfo info;
  info.pages = pages;
  auto has_migrations =
      query_int(dst->get(), "SELECT count(*) FROM sqlite_master WHERE name='schema_migrations'");
  if (!has_migrations) return unexpected(has_migrations.error());
  if (*has_migrations > 0) {
    auto v = query_int(dst->get(), "SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!v) return unexpected(v.error());
    info.schema_version = *v;
  }
  dst.value().reset();
  info.bytes = fs::file_size(dest, ec);
  if (ec) return fail(Errc::io_error, fmt::format("cannot stat {}", dest.string()));
  discard.keep = true;
  return info;
}

Expected<void> ensure_unused(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return {};
  auto db = open(path, SQLITE_OPEN_READWRITE);
  if (!db) return unexpected(db.error());
  sqlite3_busy_timeout(db->get(), 200);
  // In WAL mode every open connection holds a shared lock on the shared-memory file, even
  // when idle, so an exclusive lock succeeds only when no other process has it open.
  if (exec(db->get(), "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;")) return {};
  return fail(Errc::in_use, fmt::format("{} is open in another process; stop `diskret serve` first",
                                        path.string()));
}

Expected<void> check_sqlite(const fs::path& path) {
  auto db = open(path, SQLITE_OPEN_READONLY);
  if (!db) return fail(Errc::damaged, fmt::format("{} is not a readable database", path.string()));
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db->get(), "PRAGMA quick_check", -1, &raw, nullptr) != SQLITE_OK) {
    return fail(Errc::damaged, fmt::format("{} is not a readable database", path.string()));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  const bool row = sqlite3_step(stmt.get()) == SQLITE_ROW;
  const auto* answer = row ? sqlite3_column_text(stmt.get(), 0) : nullptr;
  if (answer == nullptr || std::string_view(reinterpret_cast<const char*>(answer)) != "ok") {
    return fail(Errc::damaged, fmt::format("{} fails the database integrity check", path.string()));
  }
  return {};
}

}  // namespace diskret::backup
