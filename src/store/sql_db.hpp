#pragma once
/// SqlDb: the small SQL interface the stores beside the Store are written against, so that
/// one store serves both backends. SqliteDb implements it directly; PgConnection through
/// an adapter that turns `?` into `$n` once per statement, sends bytes as bytea and reads
/// results from their text form. The SQL the stores write is the common part of both
/// dialects (ON CONFLICT ... DO NOTHING/UPDATE and RETURNING instead of INSERT OR
/// IGNORE/REPLACE and last_insert_rowid(); CAST(? AS BIGINT) where PostgreSQL cannot infer
/// a parameter's type); what is not common asks dialect().
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/expected.hpp"

namespace diskret::store {

enum class SqlDialect : std::uint8_t { sqlite, postgresql };

class SqlStatement {
 public:
  virtual ~SqlStatement() = default;

  // Parameters are 1-based, as in SQLite.
  virtual void bind(int index, std::int64_t value) = 0;
  void bind(int index, std::uint64_t value) { bind(index, static_cast<std::int64_t>(value)); }
  void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
  void bind(int index, std::optional<std::int64_t> value) {
    if (value) {
      bind(index, *value);
    } else {
      bind_null(index);
    }
  }
  void bind(int index, std::optional<std::uint64_t> value) {
    if (value) {
      bind(index, static_cast<std::int64_t>(*value));
    } else {
      bind_null(index);
    }
  }
  virtual void bind_text(int index, std::string_view text) = 0;
  void bind_blob(int index, std::string_view bytes) { bind_blob(index, bytes.data(), bytes.size()); }
  virtual void bind_blob(int index, const void* data, std::size_t size) = 0;
  virtual void bind_null(int index) = 0;

  /// True while a row is available; false when done.
  virtual Expected<bool> step() = 0;
  /// Steps to the end (for statements without result rows).
  Expected<void> run() {
    for (;;) {
      auto row = step();
      if (!row) return unexpected(row.error());
      if (!*row) return {};
    }
  }
  /// Ready to run again, parameters cleared.
  virtual void reset() = 0;

  // Columns are 0-based.
  virtual std::int64_t int64(int column) const = 0;
  std::optional<std::int64_t> optional_int64(int column) const {
    if (is_null(column)) return std::nullopt;
    return int64(column);
  }
  virtual std::string text(int column) const = 0;
  virtual std::string blob(int column) const = 0;
  virtual bool is_null(int column) const = 0;
};

/// A cached statement in use; resets it (and clears its parameters) when done.
class SqlLease {
 public:
  explicit SqlLease(SqlStatement& s) : s_(&s) {}
  SqlLease(SqlLease&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  SqlLease& operator=(SqlLease&&) = delete;
  ~SqlLease() {
    if (s_) s_->reset();
  }
  SqlStatement* operator->() const { return s_; }
  SqlStatement& operator*() const { return *s_; }

 private:
  SqlStatement* s_;
};

class SqlDb {
 public:
  virtual ~SqlDb() = default;

  virtual SqlDialect dialect() const = 0;
  /// Runs one or more statements without parameters or results.
  virtual Expected<void> exec(std::string_view sql) = 0;
  /// A prepared statement kept for the life of the connection; `sql` must outlive it (a
  /// string literal, or a string the caller keeps).
  Expected<SqlLease> use(std::string_view sql) { return lease(sql); }
  /// A statement for this one use (SQL made at run time): not kept, nor prepared on the
  /// server for later.
  virtual Expected<std::unique_ptr<SqlStatement>> statement(std::string_view sql) = 0;
  /// Rows the last INSERT, UPDATE or DELETE touched.
  virtual std::int64_t changes() const = 0;
  /// BEGIN IMMEDIATE on SQLite (take the write lock now), BEGIN on PostgreSQL.
  virtual Expected<void> begin() = 0;
  Expected<void> commit() { return exec("COMMIT"); }
  Expected<void> rollback() { return exec("ROLLBACK"); }
  virtual bool in_transaction() const = 0;
  /// Changes when the connection was opened again after the server or the network dropped
  /// it: what belonged to the old session (advisory locks, settings) is gone. Constant on
  /// connections that are never reopened.
  virtual std::uint64_t session() const { return 0; }

 protected:
  virtual Expected<SqlLease> lease(std::string_view sql) = 0;
};

/// A connection on loan (a store's read pool); `done` takes it back.
class SqlReadLease {
 public:
  SqlReadLease(SqlDb* db, std::function<void(SqlDb*)> done) : db_(db), done_(std::move(done)) {}
  SqlReadLease(SqlReadLease&& o) noexcept
      : db_(std::exchange(o.db_, nullptr)), done_(std::move(o.done_)) {}
  SqlReadLease& operator=(SqlReadLease&&) = delete;
  ~SqlReadLease() {
    if (db_ && done_) done_(db_);
  }
  SqlDb* operator->() const { return db_; }
  SqlDb& operator*() const { return *db_; }

 private:
  SqlDb* db_;
  std::function<void(SqlDb*)> done_;
};

/// Runs an `INSERT ... RETURNING id` on `db` with the parameters `bind` sets; the new row's
/// id. Parameters bound without a copy must live until it returns.
template <class Bind>
Expected<std::uint64_t> insert_returning_id(SqlDb& db, std::string_view sql, Bind bind) {
  auto stmt = db.use(sql);
  if (!stmt) return unexpected(stmt.error());
  bind(**stmt);
  auto row = (*stmt)->step();
  if (!row) return unexpected(row.error());
  if (!*row) return fail(Errc::internal, "INSERT returned no id");
  const auto id = static_cast<std::uint64_t>((*stmt)->int64(0));
  if (auto done = (*stmt)->run(); !done) return unexpected(done.error());
  return id;
}

/// Runs `sql` on `db` with the parameters `bind` sets; every result row as `read` makes it
/// from the statement.
template <class Bind, class Read>
auto all_rows(SqlDb& db, std::string_view sql, Bind bind, Read read)
    -> Expected<std::vector<decltype(read(std::declval<SqlStatement&>()))>> {
  auto stmt = db.use(sql);
  if (!stmt) return unexpected(stmt.error());
  bind(**stmt);
  std::vector<decltype(read(std::declval<SqlStatement&>()))> out;
  for (;;) {
    auto more = (*stmt)->step();
    if (!more) return unexpected(more.error());
    if (!*more) return out;
    out.push_back(read(**stmt));
  }
}

/// Ids as one PostgreSQL array literal ("{1,2,3}") for `= ANY(CAST(? AS BIGINT[]))`: a
/// whole set in one parameter. Each as the signed BIGINT a lone id is bound as.
inline std::string bigint_array(std::span<const std::uint64_t> ids) {
  std::string array = "{";
  for (std::uint64_t id : ids) {
    if (array.size() > 1) array.push_back(',');
    array += std::to_string(static_cast<std::int64_t>(id));
  }
  array.push_back('}');
  return array;
}

class WriteTransaction;

/// A Store whose transactions and read connections further stores (contacts, billing,
/// webhooks, ...) share: their writes join its open transaction, their reads use its pool.
class SqlHost {
 public:
  virtual ~SqlHost() = default;
  virtual SqlDialect dialect() const = 0;
  /// A read connection to the main database.
  virtual Expected<SqlReadLease> sql_reader() = 0;
  /// The main-database connection that `tx` writes on; `tx` must come from this store's
  /// begin() and still be open.
  virtual SqlDb& sql_writer(WriteTransaction& tx) = 0;
  /// A connection of its own to the main database for a store that runs its own
  /// transactions (SQLite: beside the store's writer, waiting up to `busy_timeout` for it).
  virtual Expected<std::unique_ptr<SqlDb>> sql_connect() = 0;
};

}  // namespace diskret::store
