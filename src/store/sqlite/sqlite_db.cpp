#include "store/sqlite/sqlite_db.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

namespace diskret::store::sqlite {

Error sqlite_error(int code, std::string_view what, sqlite3* db) {
  // The extended message names tables and columns only (values are always bound), so it
  // carries no personal data.
  std::string detail = fmt::format("{}: {}", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  switch (code & 0xff) {
    case SQLITE_FULL:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return {make_error_code(Errc::unavailable), std::move(detail)};
    case SQLITE_CONSTRAINT:
      if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return {make_error_code(Errc::already_exists), std::move(detail)};
      }
      return {make_error_code(Errc::invalid_argument), std::move(detail)};
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return {make_error_code(Errc::corrupt), std::move(detail)};
    default:
      return {make_error_code(Errc::internal), std::move(detail)};
  }
}

void SqliteStatement::Finalizer::operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }

void SqliteStatement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
}

void SqliteStatement::bind(int index, std::optional<std::int64_t> value) {
  if (value) {
    bind(index, *value);
  } else {
    bind_null(index);
  }
}

void SqliteStatement::bind(int index, std::optional<std::uint64_t> value) {
  if (value) {
    bind(index, *value);
  } else {
    bind_null(index);
  }
}

void SqliteStatement::bind_text(int index, std::string_view text) {
  sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

void SqliteStatement::bind_blob(int index, std::string_view bytes) {
  bind_blob(index, bytes.data(), bytes.size());
}

void SqliteStatement::bind_blob(int index, const void* data, std::size_t size) {
  // A zero-length blob must still be a blob, not NULL: pass a non-null pointer.
  static const char kEmpty = 0;
  sqlite3_bind_blob(stmt_.get(), index, size ? data : &kEmpty, static_cast<int>(size),
                    SQLITE_STATIC);
}

void SqliteStatement::bind_null(int index) { sqlite3_bind_null(stmt_.get(), index); }

Expected<bool> SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_.get());
  const int extended = sqlite3_extended_errcode(db);
  return unexpected(sqlite_error(extended, "statement failed", db));
}

Expected<void> SqliteStatement::run() {
  for (;;) {
    auto row = step();
    if (!row) return unexpected(row.error());
    if (!*row) return {};
  }
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::int64_t SqliteStatement::int64(int column) const {
  return sqlite3_column_int64(stmt_.get(), column);
}

std::optional<std::int64_t> SqliteStatement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

std::string SqliteStatement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_.get(), column);
  const int n = sqlite3_column_bytes(stmt_.get(), column);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

std::string SqliteStatement::blob(int column) const {
  const auto* p = sqlite3_column_blob(stmt_.get(), column);
  const int n = sqlite3_column_bytes(stmt_.get(), column);
  return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

bool SqliteStatement::is_null(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

void SqliteDb::Closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

Expected<SqliteDb> SqliteDb::open_beside(const std::filesystem::path& path,
                                         std::chrono::milliseconds busy_timeout) {
  auto db = open(path, OpenMode::read_write_create);
  if (!db) return db;
  auto ok = db->exec(
      fmt::format("PRAGMA busy_timeout={}; PRAGMA synchronous=FULL;", busy_timeout.count()));
  if (!ok) return unexpected(ok.error());
  return db;
}

Expected<SqliteDb> SqliteDb::open(const std::filesystem::path& path, OpenMode mode) {
  sqlite3* raw = nullptr;
  const int flags = (mode == OpenMode::read_only ? SQLITE_OPEN_READONLY
                                                 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteDb db;
  db.db_.reset(raw);
  if (rc != SQLITE_OK) {
    return unexpected(sqlite_error(rc, fmt::format("cannot open {}", path.string()), raw));
  }
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

SqliteDb::~SqliteDb() = default;

Expected<void> SqliteDb::exec(std::string_view sql) {
  const std::string owned(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_.get(), owned.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) {
    return unexpected(sqlite_error(sqlite3_extended_errcode(db_.get()), "exec failed", db_.get()));
  }
  return {};
}

Expected<SqliteStatement> SqliteDb::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return unexpected(sqlite_error(rc, "prepare failed", db_.get()));
  }
  return SqliteStatement(stmt);
}

Expected<StatementLease> SqliteDb::use(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto stmt = prepare(sql);
    if (!stmt) return unexpected(stmt.error());
    it = cache_.emplace(sql, std::make_unique<SqliteStatement>(std::move(*stmt))).first;
  }
  return StatementLease(*it->second);
}

Expected<std::unique_ptr<SqlStatement>> SqliteDb::statement(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return unexpected(stmt.error());
  return std::unique_ptr<SqlStatement>(std::make_unique<SqliteStatement>(std::move(*stmt)));
}

Expected<SqlLease> SqliteDb::lease(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto stmt = prepare(sql);
    if (!stmt) return unexpected(stmt.error());
    it = cache_.emplace(sql, std::make_unique<SqliteStatement>(std::move(*stmt))).first;
  }
  return SqlLease(*it->second);
}

Expected<std::int64_t> SqliteDb::query_int(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return unexpected(row.error());
  if (!*row) return 0;
  return stmt->int64(0);
}

std::int64_t SqliteDb::changes() const { return sqlite3_changes64(db_.get()); }
std::int64_t SqliteDb::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }
bool SqliteDb::in_transaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

}  // namespace diskret::store::sqlite
