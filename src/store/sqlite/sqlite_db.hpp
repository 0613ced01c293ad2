#pragma once
/// RAII wrappers for a SQLite connection and its prepared statements, with errors mapped
/// to diskret's generic codes (full disk, busy or I/O -> Errc::unavailable).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/expected.hpp"
#include "store/sql_db.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace diskret::store::sqlite {

/// The Error for a SQLite result code; `what` says which operation failed.
Error sqlite_error(int code, std::string_view what, sqlite3* db = nullptr);

class SqliteStatement final : public SqlStatement {
 public:
  SqliteStatement() = default;
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  SqliteStatement(SqliteStatement&&) noexcept = default;
  SqliteStatement& operator=(SqliteStatement&&) noexcept = default;

  // Parameters are 1-based, as in SQLite.
  void bind(int index, std::int64_t value) override;
  void bind(int index, std::uint64_t value) { bind(index, static_cast<std::int64_t>(value)); }
  void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
  void bind(int index, std::optional<std::int64_t> value);
  void bind(int index, std::optional<std::uint64_t> value);
  void bind_text(int index, std::string_view text) override;
  void bind_blob(int index, std::string_view bytes);
  void bind_blob(int index, const void* data, std::size_t size) override;
  void bind_null(int index) override;

  /// True while a row is available; false when done.
  Expected<bool> step() override;
  /// Steps to the end (for statements without result rows).
  Expected<void> run();
  /// Ready to run again, parameters cleared.
  void reset() override;

  // Columns are 0-based.
  std::int64_t int64(int column) const override;
  std::optional<std::int64_t> optional_int64(int column) const;
  std::string text(int column) const override;
  std::string blob(int column) const override;
  bool is_null(int column) const override;

  sqlite3_stmt* handle() const { return stmt_.get(); }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const noexcept;
  };
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

/// A cached statement in use; resets it (and clears its parameters) when done.
class StatementLease {
 public:
  explicit StatementLease(SqliteStatement& s) : s_(&s) {}
  StatementLease(StatementLease&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  StatementLease& operator=(StatementLease&&) = delete;
  ~StatementLease() {
    if (s_) s_->reset();
  }
  SqliteStatement* operator->() const { return s_; }
  SqliteStatement& operator*() const { return *s_; }

 private:
  SqliteStatement* s_;
};

enum class OpenMode : std::uint8_t { read_write_create, read_only };

class SqliteDb final : public SqlDb {
 public:
  static Expected<SqliteDb> open(const std::filesystem::path& path, OpenMode mode);
  /// A connection of its own beside SqliteStore's on an already migrated database (WAL
  /// allows it): it waits up to `busy_timeout` for the writer and fsyncs every commit.
  static Expected<SqliteDb> open_beside(const std::filesystem::path& path,
                                        std::chrono::milliseconds busy_timeout);
  SqliteDb(SqliteDb&&) noexcept = default;
  SqliteDb& operator=(SqliteDb&&) noexcept = default;
  ~SqliteDb() override;

  SqlDialect dialect() const override { return SqlDialect::sqlite; }
  /// Runs one or more statements without results (pragmas, migrations, BEGIN/COMMIT).
  Expected<void> exec(std::string_view sql) override;
  /// BEGIN IMMEDIATE: the write lock now, not at the first write (no deadlock of two
  /// readers upgrading).
  Expected<void> begin() override { return exec("BEGIN IMMEDIATE"); }
  /// A prepared statement kept for the life of the connection; `sql` must outlive it
  /// (a string literal).
  Expected<StatementLease> use(std::string_view sql);
  Expected<SqliteStatement> prepare(std::string_view sql);
  Expected<std::unique_ptr<SqlStatement>> statement(std::string_view sql) override;
  /// A pragma or query whose single result is an integer.
  Expected<std::int64_t> query_int(std::string_view sql);

  std::int64_t changes() const override;
  std::int64_t last_insert_rowid() const;
  /// Whether a transaction is open (SQLite may have rolled one back by itself after
  /// SQLITE_FULL or an I/O error).
  bool in_transaction() const override;
  sqlite3* handle() const { return db_.get(); }

 protected:
  Expected<SqlLease> lease(std::string_view sql) override;

 private:
  struct Closer {
    void operator()(sqlite3* db) const noexcept;
  };
  SqliteDb() = default;
  std::unique_ptr<sqlite3, Closer> db_;
  // Declared after db_: statements are finalized before the connection closes.
  std::unordered_map<std::string_view, std::unique_ptr<SqliteStatement>> cache_;
};

}  // namespace diskret::store::sqlite
