#include "vault/sqlite.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "vault/errc.hpp"

namespace diskret::vault {
namespace {

unexpected<Error> sqlite_failure(sqlite3* db, std::string_view what) {
  const char* message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  return fail(Errc::storage, fmt::format("vault database: {}: {}", what, message));
}

}  // namespace

void Statement::Finalize::operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
void Database::Close::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

Statement& Statement::bind_text(int index, std::string_view text) {
  sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  // An empty blob must still be a blob, not NULL: pass a valid pointer.
  static const char kEmpty = 0;
  sqlite3_bind_blob(stmt_.get(), index, bytes.empty() ? &kEmpty : bytes.data(),
                    static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_.get(), index);
  return *this;
}

Expected<bool> Statement::step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  auto err = sqlite_failure(db_, "step");
  sqlite3_reset(stmt_.get());
  return err;
}

Expected<void> Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return unexpected(row.error());
    if (!*row) return {};
  }
}

void Statement::reset() { sqlite3_reset(stmt_.get()); }

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_.get(), column);
  int n = sqlite3_column_bytes(stmt_.get(), column);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

std::string Statement::blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_.get(), column);
  int n = sqlite3_column_bytes(stmt_.get(), column);
  return p == nullptr ? std::string() : std::string(static_cast<const char*>(p), static_cast<std::size_t>(n));
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

Expected<Database> Database::open(const std::filesystem::path& path) {
  // Create the file ourselves so it is 0600 from the first byte; SQLite gives its WAL and
  // shared-memory files the same mode as the database file.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return fail(Errc::storage, fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
  }
  ::close(fd);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  Database db(raw);
  if (rc != SQLITE_OK) return sqlite_failure(raw, "open " + path.string());
  sqlite3_busy_timeout(raw, 5000);
  auto ok = db.exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"
      "PRAGMA foreign_keys=ON;");
  if (!ok) return unexpected(ok.error());
  return db;
}

Expected<void> Database::exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string why = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    return fail(Errc::storage, "vault database: " + why);
  }
  return {};
}

Expected<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    return sqlite_failure(db_.get(), "prepare");
  }
  return Statement(db_.get(), stmt);
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_.get()); }

Expected<Transaction> Transaction::begin(Database& db) {
  if (auto ok = db.exec("BEGIN IMMEDIATE"); !ok) return unexpected(ok.error());
  return Transaction(db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->exec("ROLLBACK");
}

Expected<void> Transaction::commit() {
  if (db_ == nullptr) return fail(Errc::storage, "vault database: transaction already finished");
  auto ok = db_->exec("COMMIT");
  if (ok) db_ = nullptr;
  return ok;
}

}  // namespace diskret::vault
