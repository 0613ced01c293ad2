#pragma once
/// PgConnection: one libpq connection with its prepared statements, and the RAII result
/// and parameter types around it. Errors are mapped like SQLite's: connection loss, disk
/// full, shutdown, lock and serialization conflicts -> Errc::unavailable; unique violation
/// -> Errc::already_exists. Error details carry PostgreSQL's primary message only (its
/// DETAIL names key values, which may be personal data).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/expected.hpp"
#include "store/sql_db.hpp"

struct pg_conn;
struct pg_result;

namespace diskret::store::postgresql {

/// Statement parameters: numbers and text go as text, bytes as binary (bytea).
class PgParams {
 public:
  PgParams& add(std::int64_t v);
  PgParams& add(std::uint64_t v) { return add(static_cast<std::int64_t>(v)); }
  PgParams& add(int v) { return add(static_cast<std::int64_t>(v)); }
  PgParams& add(const std::optional<std::int64_t>& v);
  PgParams& add(const std::optional<std::uint64_t>& v);
  PgParams& add_text(std::string_view v);
  /// Empty text as NULL (columns where SQLite's store writes NULL for "").
  PgParams& add_text_or_null(std::string_view v);
  PgParams& add_bytes(std::string_view v);
  PgParams& add_bytes(const std::uint8_t* data, std::size_t size);
  PgParams& add_null();
  /// Declares the type (a PostgreSQL type oid) of the parameter added last; 0: inferred
  /// from the statement (the default).
  PgParams& typed(unsigned oid);

  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const;
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }
  /// The declared types, or nullptr when every one is inferred.
  const unsigned* types() const;

 private:
  PgParams& push(std::optional<std::string> value, int format);
  std::vector<std::optional<std::string>> values_;
  mutable std::vector<const char*> pointers_;  // rebuilt by values()
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<unsigned> types_;
  bool typed_ = false;
};

/// A query result (text format); rows and columns count from 0.
class PgResult {
 public:
  explicit PgResult(pg_result* r);
  int rows() const;
  /// Rows an INSERT, UPDATE or DELETE touched.
  std::uint64_t affected() const;
  bool is_null(int row, int column) const;
  std::string_view text(int row, int column) const;
  std::int64_t int64(int row, int column) const;
  std::optional<std::int64_t> optional_int64(int row, int column) const;
  /// The type oid of a column (16 bool, 17 bytea, 20 int8, 25 text, ...).
  unsigned type(int column) const;
  /// A bytea column, decoded from its hex text form.
  std::string bytes(int row, int column) const;

 private:
  struct Clear {
    void operator()(pg_result* r) const noexcept;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

class PgSqlStatement;

/// Also a SqlDb (store/sql_db.hpp): the stores beside the Store run their portable SQL on it.
class PgConnection final : public SqlDb {
 public:
  PgConnection(PgConnection&& o) noexcept;
  PgConnection& operator=(PgConnection&& o) noexcept;
  ~PgConnection() override;

  /// Connects to `conninfo` (a postgresql:// URL or key=value pairs).
  static Expected<PgConnection> connect(const std::string& conninfo);

  /// Runs one or more statements without parameters (simple query protocol).
  Expected<void> exec(std::string_view sql) override;
  /// Runs `sql` with `params`, prepared on this connection the first time it is seen.
  Expected<PgResult> query(std::string_view sql, const PgParams& params = {});
  /// The same without preparing `sql` (statements made at run time, used once).
  Expected<PgResult> query_once(std::string_view sql, const PgParams& params);
  /// Queues a statement without parameters (SAVEPOINT, RELEASE, BEGIN) to be sent with the
  /// next exec() or query(), in the same round trip; an error of it is that call's error.
  void defer(std::string_view sql);
  /// Queues `sql` with `params` the same way (prepared now, sent later): for statements
  /// whose only answer is success (an INSERT that must not conflict). Its error is the
  /// error of the call that sends it; `queries_deferred()` tells when one waits.
  Expected<void> defer(std::string_view sql, PgParams params);
  bool queries_deferred() const { return queries_deferred_; }
  /// Forgets the queued statements with parameters (their work is being rolled back);
  /// SAVEPOINT and the like still go.
  void discard_deferred_queries() {
    std::erase_if(deferred_, [](const Deferred& d) { return !d.name.empty(); });
    queries_deferred_ = false;
  }
  /// Forgets the queued statements (before a ROLLBACK).
  void discard_deferred() {
    deferred_.clear();
    queries_deferred_ = false;
  }

  /// False after the server or the network dropped the connection.
  bool ok() const;
  /// A connection held for the life of a store (SqlHost::sql_connect()): after the server
  /// or the network dropped it (a PostgreSQL restart, a failover), the next call connects
  /// again (and prepares its statements again) instead of failing until the process
  /// restarts. The call that finds the connection lost fails as before; a transaction it
  /// broke stays in_transaction() and refuses statements until ROLLBACK (or a new BEGIN).
  void reopen_when_lost() { reopen_ = true; }
  std::uint64_t session() const override { return session_; }
  bool in_transaction() const override;
  /// In a transaction that an error aborted (only ROLLBACK [TO SAVEPOINT] works now).
  bool failed() const;

  // SqlDb
  SqlDialect dialect() const override { return SqlDialect::postgresql; }
  std::int64_t changes() const override { return changes_; }
  Expected<void> begin() override { return exec("BEGIN"); }
  Expected<std::unique_ptr<SqlStatement>> statement(std::string_view sql) override;

 protected:
  Expected<SqlLease> lease(std::string_view sql) override;

 private:
  friend class PgSqlStatement;
  struct Finish {
    void operator()(pg_conn* c) const noexcept;
  };
  explicit PgConnection(pg_conn* c);
  /// Before a call: connects again when the connection was lost and may be reopened.
  /// True: `sql` is the ROLLBACK of a transaction that was lost with the connection,
  /// nothing to send.
  Expected<bool> revive(std::string_view sql);
  /// After a call: remembers whether the connection was lost inside a transaction.
  void note_loss(bool was_in_transaction);
  Expected<void> exec_now(std::string_view sql);
  Expected<PgResult> query_now(std::string_view sql, const PgParams& params);
  Expected<PgResult> checked(pg_result* r, std::string_view what);
  Expected<void> prepare(std::string_view sql, const PgParams& params, std::string& name);
  /// The queued statements and then `name` with `params` (a prepared statement) or, with
  /// `name` empty, the single statement `sql`, in one round trip; the last one's result.
  Expected<PgResult> query_pipelined(const std::string& name, std::string_view sql,
                                     const PgParams& params);

  struct Deferred {
    std::string sql;
    std::string name;  // prepared statement; empty: `sql` has no parameters
    PgParams params;
  };

  std::unique_ptr<pg_conn, Finish> conn_;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
  std::vector<Deferred> deferred_;
  bool queries_deferred_ = false;  // a Deferred with a name in deferred_
  // SqlDb::use(): statements by their SQL, and the rows the last one changed.
  std::unordered_map<std::string, std::unique_ptr<PgSqlStatement>> statements_;
  std::int64_t changes_ = 0;
  std::string conninfo_;  // for reopening
  bool reopen_ = false;
  bool lost_in_transaction_ = false;
  std::uint64_t session_ = 1;
};

}  // namespace diskret::store::postgresql
