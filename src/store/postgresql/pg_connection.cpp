#include "store/postgresql/pg_connection.hpp"

#include <libpq-fe.h>

#include <cctype>
#include <charconv>
#include <utility>

#include <fmt/format.h>

namespace diskret::store::postgresql {
namespace {

// SQLSTATE classes and codes (PostgreSQL appendix A) that mean "cannot write now, retry".
bool retryable(std::string_view state) {
  return state.starts_with("08")       // connection exception
         || state.starts_with("53")    // insufficient resources: disk full, out of memory
         || state.starts_with("57P")   // admin shutdown, crash shutdown, cannot connect now
         || state == "40001"           // serialization failure
         || state == "40P01"           // deadlock detected
         || state == "55P03"           // lock not available
         || state == "58030"           // I/O error
         || state == "25006";          // read-only transaction (a standby after failover)
}

Error pg_error(const PGresult* r, PGconn* conn, std::string_view what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string detail = fmt::format("{}: {}", what,
                                   primary ? primary : (conn ? PQerrorMessage(conn) : "no connection"));
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  const std::string_view code = state ? state : "";
  if (code.empty() || retryable(code) || (conn && PQstatus(conn) != CONNECTION_OK)) {
    return {make_error_code(Errc::unavailable), std::move(detail)};
  }
  if (code == "23505") return {make_error_code(Errc::already_exists), std::move(detail)};
  if (code.starts_with("23") || code.starts_with("22")) {
    return {make_error_code(Errc::invalid_argument), std::move(detail)};
  }
  if (code == "XX001" || code == "XX002") return {make_error_code(Errc::corrupt), std::move(detail)};
  return {make_error_code(Errc::internal), std::move(detail)};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

// Connection settings unless the URL sets them: a server or network that goes silent
// (failover, partition) fails a connect within 10 s and a connection within about 30 s,
// as unavailable, instead of blocking a writer for the kernel's two hours.
std::string with_defaults(const std::string& conninfo) {
  constexpr std::pair<const char*, const char*> kDefaults[] = {
      {"connect_timeout", "10"},  {"keepalives_idle", "10"}, {"keepalives_interval", "5"},
      {"keepalives_count", "3"},  {"tcp_user_timeout", "30000"},
      {"application_name", "diskret"}};
  const bool url = conninfo.starts_with("postgresql://") || conninfo.starts_with("postgres://");
  std::string out = conninfo;
  for (const auto& [name, value] : kDefaults) {
    if (conninfo.find(std::string(name) + "=") != std::string::npos) continue;
    if (url) {
      out += out.find('?') == std::string::npos ? '?' : '&';
    } else if (!out.empty()) {
      out += ' ';
    }
    out += fmt::format("{}={}", name, value);
  }
  return out;
}

}  // namespace

PgParams& PgParams::push(std::optional<std::string> value, int format) {
  types_.push_back(0);
  lengths_.push_back(value ? static_cast<int>(value->size()) : 0);
  formats_.push_back(format);
  values_.push_back(std::move(value));
  return *this;
}

PgParams& PgParams::add(std::int64_t v) { return push(std::to_string(v), 0); }
PgParams& PgParams::add(const std::optional<std::int64_t>& v) {
  return v ? add(*v) : add_null();
}
PgParams& PgParams::add(const std::optional<std::uint64_t>& v) {
  return v ? add(*v) : add_null();
}
PgParams& PgParams::add_text(std::string_view v) { return push(std::string(v), 0); }
PgParams& PgParams::add_text_or_null(std::string_view v) {
  return v.empty() ? add_null() : add_text(v);
}
PgParams& PgParams::add_bytes(std::string_view v) { return push(std::string(v), 1); }
PgParams& PgParams::add_bytes(const std::uint8_t* data, std::size_t size) {
  return push(std::string(reinterpret_cast<const char*>(data), size), 1);
}
PgParams& PgParams::add_null() { return push(std::nullopt, 0); }

PgParams& PgParams::typed(unsigned oid) {
  if (!types_.empty()) types_.back() = oid;
  typed_ = typed_ || oid != 0;
  return *this;
}

const unsigned* PgParams::types() const { return typed_ ? types_.data() : nullptr; }

const char* const* PgParams::values() const {
  pointers_.clear();
  for (const auto& v : values_) pointers_.push_back(v ? v->data() : nullptr);
  return pointers_.data();
}

void PgResult::Clear::operator()(pg_result* r) const noexcept { PQclear(r); }
PgResult::PgResult(pg_result* r) : result_(r) {}
int PgResult::rows() const { return PQntuples(result_.get()); }
std::uint64_t PgResult::affected() const {
  const char* n = PQcmdTuples(result_.get());
  std::uint64_t v = 0;
  if (n != nullptr) std::from_chars(n, n + std::char_traits<char>::length(n), v);
  return v;
}
bool PgResult::is_null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}
std::string_view PgResult::text(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}
std::int64_t PgResult::int64(int row, int column) const {
  const std::string_view t = text(row, column);
  std::int64_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}
std::optional<std::int64_t> PgResult::optional_int64(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return int64(row, column);
}
unsigned PgResult::type(int column) const { return PQftype(result_.get(), column); }
std::string PgResult::bytes(int row, int column) const {
  const std::string_view t = text(row, column);  // "\x0a1b..."
  std::string out;
  if (t.size() < 2) return out;
  out.reserve((t.size() - 2) / 2);
  for (std::size_t i = 2; i + 1 < t.size(); i += 2) {
    out.push_back(static_cast<char>(hex_value(t[i]) << 4 | hex_value(t[i + 1])));
  }
  return out;
}

// SqlDb on PostgreSQL: `?` becomes `$n` once, parameters keep what they were bound as
// (int8, text, bytea; NULL is left to PostgreSQL to infer), results are read from text.
class PgSqlStatement final : public SqlStatement {
 public:
  PgSqlStatement(PgConnection* c, std::string_view sql, bool once = false)
      : conn_(c), sql_(numbered(sql)), once_(once) {}
  void rebind(PgConnection* c) { conn_ = c; }

  void bind(int index, std::int64_t value) override { set(index, Param{std::to_string(value), kInt8}); }
  void bind_text(int index, std::string_view text) override {
    set(index, Param{std::string(text), kText});
  }
  void bind_blob(int index, const void* data, std::size_t size) override {
    set(index, Param{std::string(static_cast<const char*>(data), size), kBytea});
  }
  void bind_null(int index) override { set(index, Param{std::nullopt, 0}); }

  Expected<bool> step() override {
    if (!result_) {
      PgParams params;
      for (const auto& p : params_) {
        if (!p.value) {
          params.add_null();
        } else if (p.type == kBytea) {
          params.add_bytes(*p.value);
        } else {
          params.add_text(*p.value);
        }
        params.typed(p.type);
      }
      auto r = once_ ? conn_->query_once(sql_, params) : conn_->query(sql_, params);
      if (!r) return unexpected(r.error());
      conn_->changes_ = static_cast<std::int64_t>(r->affected());
      result_.emplace(std::move(*r));
      row_ = -1;
    }
    ++row_;
    return row_ < result_->rows();
  }
  void reset() override {
    result_.reset();
    params_.clear();
    row_ = -1;
  }

  std::int64_t int64(int column) const override {
    if (result_->type(column) == kBool) return result_->text(row_, column) == "t" ? 1 : 0;
    return result_->int64(row_, column);
  }
  std::string text(int column) const override {
    if (result_->type(column) == kBytea) return result_->bytes(row_, column);
    return std::string(result_->text(row_, column));
  }
  std::string blob(int column) const override { return text(column); }
  bool is_null(int column) const override { return result_->is_null(row_, column); }

 private:
  static constexpr unsigned kBool = 16, kBytea = 17, kInt8 = 20, kText = 25;
  struct Param {
    std::optional<std::string> value;
    unsigned type = 0;
  };
  void set(int index, Param p) {
    if (index < 1) return;
    if (params_.size() < static_cast<std::size_t>(index)) params_.resize(static_cast<std::size_t>(index));
    params_[static_cast<std::size_t>(index) - 1] = std::move(p);
  }
  // `?` -> `$1`, `$2`, ... outside quotes and comments.
  static std::string numbered(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
      const char c = sql[i];
      if (c == '\'' || c == '"') {
        const std::size_t end = sql.find(c, i + 1);
        const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
        out.append(sql.substr(i, stop - i));
        i = stop - 1;
      } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
        const std::size_t end = sql.find('\n', i);
        const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
        out.append(sql.substr(i, stop - i));
        i = stop - 1;
      } else if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
        out += '$';  // ?NNN: the same parameter again
      } else if (c == '?') {
        out += fmt::format("${}", ++n);
      } else {
        out += c;
      }
    }
    return out;
  }

  PgConnection* conn_;
  std::string sql_;
  bool once_;
  std::vector<Param> params_;
  std::optional<PgResult> result_;
  int row_ = -1;
};

PgConnection::PgConnection(PgConnection&& o) noexcept
    : conn_(std::move(o.conn_)),
      prepared_(std::move(o.prepared_)),
      deferred_(std::move(o.deferred_)),
      queries_deferred_(o.queries_deferred_),
      statements_(std::move(o.statements_)),
      changes_(o.changes_),
      conninfo_(std::move(o.conninfo_)),
      reopen_(o.reopen_),
      lost_in_transaction_(o.lost_in_transaction_),
      session_(o.session_) {
  for (auto& [sql, s] : statements_) s->rebind(this);
}

PgConnection& PgConnection::operator=(PgConnection&& o) noexcept {
  statements_.clear();
  conn_ = std::move(o.conn_);
  prepared_ = std::move(o.prepared_);
  deferred_ = std::move(o.deferred_);
  queries_deferred_ = o.queries_deferred_;
  statements_ = std::move(o.statements_);
  changes_ = o.changes_;
  conninfo_ = std::move(o.conninfo_);
  reopen_ = o.reopen_;
  lost_in_transaction_ = o.lost_in_transaction_;
  session_ = o.session_;
  for (auto& [sql, s] : statements_) s->rebind(this);
  return *this;
}

PgConnection::PgConnection(pg_conn* c) : conn_(c) {}
PgConnection::~PgConnection() = default;

Expected<std::unique_ptr<SqlStatement>> PgConnection::statement(std::string_view sql) {
  return std::unique_ptr<SqlStatement>(std::make_unique<PgSqlStatement>(this, sql, true));
}

Expected<SqlLease> PgConnection::lease(std::string_view sql) {
  auto it = statements_.find(std::string(sql));
  if (it == statements_.end()) {
    it = statements_.emplace(std::string(sql), std::make_unique<PgSqlStatement>(this, sql)).first;
  }
  return SqlLease(*it->second);
}

void PgConnection::Finish::operator()(pg_conn* c) const noexcept { PQfinish(c); }

Expected<PgConnection> PgConnection::connect(const std::string& conninfo) {
  PgConnection c(PQconnectdb(with_defaults(conninfo).c_str()));
  if (!c.conn_ || PQstatus(c.conn_.get()) != CONNECTION_OK) {
    return unexpected(pg_error(nullptr, c.conn_.get(), "cannot connect to PostgreSQL"));
  }
  // Notices (e.g. "relation already exists, skipping") would go to stderr.
  PQsetNoticeProcessor(c.conn_.get(), [](void*, const char*) {}, nullptr);
  c.conninfo_ = conninfo;
  return c;
}

namespace {

bool starts_with_word(std::string_view sql, std::string_view word) {
  while (!sql.empty() && (sql.front() == ' ' || sql.front() == '\n')) sql.remove_prefix(1);
  if (sql.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(sql[i])) != word[i]) return false;
  }
  return true;
}

}  // namespace

Expected<bool> PgConnection::revive(std::string_view sql) {
  if (!reopen_ || ok()) return false;
  if (lost_in_transaction_) {
    // Its statements must not run outside it on a new session: only its end goes through.
    if (starts_with_word(sql, "ROLLBACK")) {
      lost_in_transaction_ = false;
      discard_deferred();
      return true;
    }
    if (!starts_with_word(sql, "BEGIN")) {
      return fail(Errc::unavailable,
                  "the connection to PostgreSQL was lost in a transaction; roll it back");
    }
    lost_in_transaction_ = false;
  }
  auto fresh = connect(conninfo_);
  if (!fresh) return unexpected(fresh.error());
  conn_ = std::move(fresh->conn_);
  prepared_.clear();  // statements are prepared per session
  ++session_;
  return false;
}

void PgConnection::note_loss(bool was_in_transaction) {
  if (reopen_ && !ok()) lost_in_transaction_ = was_in_transaction;
}

Expected<PgResult> PgConnection::checked(pg_result* r, std::string_view what) {
  PgResult result(r);
  const auto status = PQresultStatus(r);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  return unexpected(pg_error(r, conn_.get(), what));
}

void PgConnection::defer(std::string_view sql) { deferred_.push_back({std::string(sql), {}, {}}); }

Expected<void> PgConnection::defer(std::string_view sql, PgParams params) {
  auto revived = revive(deferred_.empty() ? sql : std::string_view(deferred_.front().sql));
  if (!revived) return unexpected(revived.error());
  std::string name;
  if (auto ok = prepare(sql, params, name); !ok) return ok;
  deferred_.push_back({std::string(sql), std::move(name), std::move(params)});
  queries_deferred_ = true;
  return {};
}

Expected<void> PgConnection::exec(std::string_view sql) {
  auto revived = revive(deferred_.empty() ? sql : std::string_view(deferred_.front().sql));
  if (!revived) return unexpected(revived.error());
  if (*revived) return {};
  const bool was_in_transaction = in_transaction();
  auto done = exec_now(sql);
  note_loss(was_in_transaction);
  return done;
}

Expected<void> PgConnection::exec_now(std::string_view sql) {
  if (queries_deferred_) {
    // Statements with parameters go in a pipeline, which takes one statement per entry.
    if (sql.find(';') != std::string_view::npos) {
      if (auto flushed = query_pipelined({}, "SELECT 1", {}); !flushed) return unexpected(flushed.error());
    } else {
      auto r = query_pipelined({}, sql, {});
      if (!r) return unexpected(r.error());
      return {};
    }
  }
  std::string text;
  for (auto& d : deferred_) text += d.sql + ";";
  deferred_.clear();
  text += sql;
  auto r = checked(PQexec(conn_.get(), text.c_str()), "statement failed");
  if (!r) return unexpected(r.error());
  return {};
}

Expected<void> PgConnection::prepare(std::string_view sql, const PgParams& params,
                                     std::string& name) {
  // A statement with declared parameter types is prepared once per set of types.
  std::string key(sql);
  const unsigned* types = params.types();
  if (types != nullptr) {
    key += '\0';
    for (int i = 0; i < params.size(); ++i) key += fmt::format("{},", types[i]);
  }
  auto it = prepared_.find(key);
  if (it != prepared_.end()) {
    name = it->second;
    return {};
  }
  name = fmt::format("s{}", prepared_.size());
  const std::string text(sql);
  auto made = checked(PQprepare(conn_.get(), name.c_str(), text.c_str(),
                                types != nullptr ? params.size() : 0,
                                reinterpret_cast<const Oid*>(types)),
                      "prepare failed");
  if (!made) return unexpected(made.error());
  prepared_.emplace(std::move(key), name);
  return {};
}

Expected<PgResult> PgConnection::query(std::string_view sql, const PgParams& params) {
  auto revived = revive(deferred_.empty() ? sql : std::string_view(deferred_.front().sql));
  if (!revived) return unexpected(revived.error());
  const bool was_in_transaction = in_transaction();
  auto result = query_now(sql, params);
  note_loss(was_in_transaction);
  return result;
}

Expected<PgResult> PgConnection::query_now(std::string_view sql, const PgParams& params) {
  std::string name;
  if (auto ok = prepare(sql, params, name); !ok) return unexpected(ok.error());
  if (!deferred_.empty()) return query_pipelined(name, sql, params);
  return checked(PQexecPrepared(conn_.get(), name.c_str(), params.size(), params.values(),
                                params.lengths(), params.formats(), 0),
                 "statement failed");
}

Expected<PgResult> PgConnection::query_once(std::string_view sql, const PgParams& params) {
  if (!deferred_.empty()) return query(sql, params);
  auto revived = revive(sql);
  if (!revived) return unexpected(revived.error());
  const bool was_in_transaction = in_transaction();
  const std::string text(sql);
  auto result = checked(PQexecParams(conn_.get(), text.c_str(), params.size(),
                                     reinterpret_cast<const Oid*>(params.types()),
                                     params.values(), params.lengths(), params.formats(), 0),
                        "statement failed");
  note_loss(was_in_transaction);
  return result;
}

// The queued statements and this one in one round trip (libpq pipeline mode). After an
// error PostgreSQL skips the rest of the pipeline: the first error is the answer.
Expected<PgResult> PgConnection::query_pipelined(const std::string& name, std::string_view sql,
                                                 const PgParams& params) {
  PGconn* c = conn_.get();
  std::vector<Deferred> queued;
  queued.swap(deferred_);
  queries_deferred_ = false;
  if (PQenterPipelineMode(c) != 1) return unexpected(pg_error(nullptr, c, "pipeline failed"));
  auto send = [c](const std::string& name, const std::string& text, const PgParams& params) {
    if (name.empty()) return PQsendQueryParams(c, text.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    return PQsendQueryPrepared(c, name.c_str(), params.size(), params.values(), params.lengths(),
                               params.formats(), 0) == 1;
  };
  bool sent = true;
  for (const auto& d : queued) sent = sent && send(d.name, d.sql, d.params);
  sent = sent && send(name, std::string(sql), params);
  sent = sent && PQpipelineSync(c) == 1;
  std::optional<Expected<PgResult>> answer;
  std::optional<Error> failure;
  if (!sent) failure = pg_error(nullptr, c, "pipeline failed");
  for (std::size_t i = 0; sent && i <= queued.size(); ++i) {
    PGresult* r = PQgetResult(c);
    if (r == nullptr) {
      failure = pg_error(nullptr, c, "pipeline failed");
      break;
    }
    auto result = checked(r, "statement failed");
    while (PGresult* more = PQgetResult(c)) PQclear(more);  // the NULL after each query
    if (!result && !failure) failure = result.error();
    if (i == queued.size()) answer = std::move(result);
  }
  // Up to the sync point; a lost connection has no more results.
  for (PGresult* r = PQgetResult(c); r != nullptr; r = PQgetResult(c)) {
    const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    PQclear(r);
    if (sync) break;
  }
  PQexitPipelineMode(c);
  if (failure) return unexpected(*failure);
  return std::move(*answer);
}

bool PgConnection::ok() const { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }

bool PgConnection::in_transaction() const {
  if (lost_in_transaction_) return true;
  const auto s = PQtransactionStatus(conn_.get());
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

bool PgConnection::failed() const { return PQtransactionStatus(conn_.get()) == PQTRANS_INERROR; }

}  // namespace diskret::store::postgresql
