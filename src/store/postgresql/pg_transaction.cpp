// The PostgreSQL WriteTransaction: BEGIN on the main database at once, on the key database
// only when a key is written; commit() commits the key database first. Uniqueness
// conflicts are answered with ON CONFLICT DO NOTHING instead of an error: an error would
// abort the whole PostgreSQL transaction, where SQLite fails only the statement and the
// group commit goes on.
#include <cassert>

#include "store/postgresql/pg_rows.hpp"
#include "store/postgresql/pg_store.hpp"

namespace diskret::store::postgresql {
namespace {

constexpr std::string_view kInsertTenantKey =
    "INSERT INTO tenant_keys(tenant_id, version, master_key_id, wrapped, created_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
constexpr std::string_view kFindSubject =
    "SELECT " DISKRET_PG_SUBJECT_COLUMNS " FROM subject_index i JOIN subjects s "
    "ON s.subject_id = i.subject_id WHERE i.tenant_id = $1 AND i.blind = $2";
constexpr std::string_view kAllSubjects = "SELECT tenant_id, blind FROM subject_index";
// The index row first: when the person exists already (made by another node since this
// node's filter was loaded) nothing is written and the caller reads that person instead.
// Subject ids come from a sequence (next_subject_id), so the subjects row cannot conflict;
// if it ever did, the error fails the transaction rather than index a stranger's key.
constexpr std::string_view kInsertSubject =
    "WITH i AS (INSERT INTO subject_index(tenant_id, blind, subject_id) VALUES ($2, $3, $1) "
    "ON CONFLICT DO NOTHING RETURNING subject_id) "
    "INSERT INTO subjects(subject_id, tenant_id, blind, wrapped, created_at) "
    "SELECT subject_id, $2, $3, $4, $5 FROM i";
constexpr std::string_view kUpdateTenantSettings =
    "UPDATE tenants SET display_name = $1, default_region = $2, allowed_countries = $3, "
    "max_segments = $4, sender_ids = $5, quiet_hours = $6 WHERE id = $7";
constexpr std::string_view kInsertTenant =
    "INSERT INTO tenants(public_id, name, display_name, default_region, allowed_countries, "
    "max_segments, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
    "ON CONFLICT DO NOTHING RETURNING id";
constexpr std::string_view kInsertApiKey =
    "INSERT INTO api_keys(tenant_id, prefix, hash, name, role, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id";
constexpr std::string_view kRevokeApiKey =
    "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND tenant_id = $3 AND revoked_at IS NULL";
constexpr std::string_view kFindIdempotency =
    "SELECT sealed, created_at FROM idempotency WHERE tenant_id = $1 AND key = $2";
constexpr std::string_view kInsertIdempotency =
    "INSERT INTO idempotency(tenant_id, key, sealed, created_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT DO NOTHING";
// The accepting node claims its message: it dispatches it from memory, and the others take
// it over only if this node's lease expires first. Sent with the request's release (one
// round trip for a whole batch): an id that exists already fails that release, and with it
// that request (pipeline::write_accept), so nothing is acknowledged that was not written.
constexpr std::string_view kInsertMessage =
    "INSERT INTO messages(" DISKRET_PG_MESSAGE_COLUMNS ", claimed_by) VALUES ($1, $2, $3, $4, $5, "
    "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)";
// One round trip for the state change and every part. A carrier may reuse an id after
// wrapping around: the newest submission owns it.
constexpr std::string_view kMarkSubmitted =
    "WITH m AS (UPDATE messages SET status = 1, submitted_at = $1, carrier = $2, parts = $3, "
    "claimed_by = NULL WHERE id = $4 AND status = 0 RETURNING id), "
    "p AS (INSERT INTO carrier_ids(carrier_id, carrier, message_id, part, state) "
    "SELECT c.id, $2, m.id, c.n - 1, 0 FROM m, unnest($5::text[]) WITH ORDINALITY AS c(id, n) "
    "ON CONFLICT (carrier_id, carrier) DO UPDATE SET message_id = EXCLUDED.message_id, "
    "part = EXCLUDED.part, state = 0 RETURNING 1) "
    "SELECT (SELECT count(*) FROM m), (SELECT count(*) FROM p)";
constexpr std::string_view kFinish =
    "UPDATE messages SET status = $1, done_at = $2, error_code = $3, error_detail = $4, "
    "claimed_by = NULL WHERE id = $5 AND status IN (0, 1)";
constexpr std::string_view kFindPart =
    "SELECT " DISKRET_PG_PART_COLUMNS " FROM carrier_ids c LEFT JOIN messages m ON m.id = c.message_id "
    "WHERE c.carrier_id = $1 AND c.carrier = $2";
constexpr std::string_view kFindPartAnyCarrier =
    "SELECT " DISKRET_PG_PART_COLUMNS " FROM carrier_ids c LEFT JOIN messages m ON m.id = c.message_id "
    "WHERE c.carrier_id = $1 LIMIT 1";
#define DISKRET_PG_MARKED_PART                                                               \
  "RETURNING c.carrier_id, c.carrier, c.message_id, c.part, c.state, "                       \
  "(SELECT request_id FROM messages m WHERE m.id = c.message_id)"
constexpr std::string_view kMarkPart =
    "UPDATE carrier_ids c SET state = $1 WHERE carrier_id = $2 AND carrier = $3 AND state = 0 "
    DISKRET_PG_MARKED_PART;
constexpr std::string_view kMarkPartAnyCarrier =
    "UPDATE carrier_ids c SET state = $1 WHERE (carrier_id, carrier) IN (SELECT carrier_id, "
    "carrier FROM carrier_ids WHERE carrier_id = $2 AND state = 0 LIMIT 1) " DISKRET_PG_MARKED_PART;
#undef DISKRET_PG_MARKED_PART
// SET expressions all read the row as it was: "done" is the last part of a submitted message.
constexpr std::string_view kDeliverPart =
    "UPDATE messages SET parts_delivered = parts_delivered + 1, "
    "status = CASE WHEN status = 1 AND parts_delivered + 1 >= parts THEN 2 ELSE status END, "
    "done_at = CASE WHEN status = 1 AND parts_delivered + 1 >= parts THEN $2 ELSE done_at END, "
    "error_code = CASE WHEN status = 1 AND parts_delivered + 1 >= parts THEN '' ELSE error_code END, "
    "error_detail = CASE WHEN status = 1 AND parts_delivered + 1 >= parts THEN '' "
    "ELSE error_detail END, "
    "claimed_by = CASE WHEN status = 1 AND parts_delivered + 1 >= parts THEN NULL "
    "ELSE claimed_by END WHERE id = $1 RETURNING status, parts, parts_delivered";

// A text[] literal: every element quoted, quotes and backslashes escaped.
std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

Expected<bool> changed_one(Expected<PgResult>&& r) {
  if (!r) return unexpected(r.error());
  return r->affected() == 1;
}

Expected<void> inserted(Expected<PgResult>&& r, std::string_view what) {
  if (!r) return unexpected(r.error());
  if (r->affected() == 0) return fail(Errc::already_exists, std::string(what) + " exists already");
  return {};
}

Expected<std::uint64_t> inserted_id(Expected<PgResult>&& r, std::string_view what) {
  if (!r) return unexpected(r.error());
  if (r->rows() == 0) return fail(Errc::already_exists, std::string(what) + " exists already");
  return static_cast<std::uint64_t>(r->int64(0, 0));
}

}  // namespace

class PgStore::Transaction final : public WriteTransaction {
 public:
  Transaction(PgStore& store, std::unique_lock<std::mutex> lock)
      : store_(store), lock_(std::move(lock)), main_(*store.main_), keys_(*store.keys_) {}

  ~Transaction() override {
    keys_.discard_deferred();
    main_.discard_deferred();
    if (keys_.ok() && keys_.in_transaction()) (void)keys_.exec("ROLLBACK");
    if (main_.ok() && main_.in_transaction()) (void)main_.exec("ROLLBACK");
  }

  // WriteTransaction
  Expected<void> commit() override {
    auto unsynced = commit_unsynced();
    if (!unsynced) return unexpected(unsynced.error());
    return store_.sync(*unsynced);
  }

  Expected<Unsynced> commit_unsynced() override {
    // COMMIT of a transaction that failed answers ROLLBACK without an error: never report
    // that as a commit.
    if (!main_.ok() || !main_.in_transaction() || main_.failed()) {
      return fail(Errc::unavailable, "the database ended the transaction after an error");
    }
    Unsynced written;
    if (keys_open_) {
      if (keys_.failed()) return fail(Errc::unavailable, "the key database transaction failed");
      if (auto ok = keys_.exec("COMMIT"); !ok) return unexpected(ok.error());
      keys_open_ = false;
      written.keys = true;
    }
    if (auto ok = main_.exec("COMMIT"); !ok) return unexpected(ok.error());
    ++store_.commits_;
    return written;
  }

  // Savepoints travel with the request's next statement, and a release with the next
  // request's (or the COMMIT): a round trip each saved, per request of a group commit.
  Expected<void> savepoint() override {
    main_.defer("SAVEPOINT request");
    return {};
  }
  Expected<void> release_savepoint() override {
    // The request's deferred inserts go now, so that an error of theirs is this request's.
    if (main_.queries_deferred()) return main_.exec("RELEASE SAVEPOINT request");
    main_.defer("RELEASE SAVEPOINT request");
    return {};
  }
  Expected<void> rollback_to_savepoint() override {
    main_.discard_deferred_queries();  // the request's inserts, rolled back unsent
    if (auto ok = main_.exec("ROLLBACK TO SAVEPOINT request"); !ok) return ok;
    return release_savepoint();
  }

  Expected<void> insert_tenant_key(const TenantKeyRecord& k) override {
    if (auto ok = open_keys(); !ok) return ok;
    return inserted(keys_.query(kInsertTenantKey, PgParams()
                                                      .add(k.tenant_id)
                                                      .add(std::int64_t{k.version})
                                                      .add_text(k.master_key_id)
                                                      .add_bytes(k.wrapped)
                                                      .add(k.created_at_ms)),
                    "tenant key");
  }

  Expected<std::optional<SubjectRecord>> find_subject(std::uint64_t tenant,
                                                      const Blind& blind) override {
    auto r = keys_.query(kFindSubject, PgParams().add(tenant).add_bytes(blind.data(), blind.size()));
    if (!r) return unexpected(r.error());
    return rows::first<SubjectRecord>(*r, rows::subject);
  }

  Expected<void> insert_subject(const SubjectRecord& r) override {
    if (auto ok = open_keys(); !ok) return ok;
    return inserted(keys_.query(kInsertSubject, PgParams()
                                                    .add(r.subject_id)
                                                    .add(r.tenant_id)
                                                    .add_bytes(r.blind.data(), r.blind.size())
                                                    .add_bytes(r.wrapped)
                                                    .add(r.created_at_ms)),
                    "subject");
  }

  Expected<void> for_each_subject(
      const std::function<void(std::uint64_t tenant, const Blind& blind)>& visit) override {
    auto r = keys_.query(kAllSubjects);
    if (!r) return unexpected(r.error());
    Blind blind{};
    for (int row = 0; row < r->rows(); ++row) {
      const std::string bytes = r->bytes(row, 1);
      if (bytes.size() != blind.size()) continue;
      std::copy(bytes.begin(), bytes.end(), blind.begin());
      visit(static_cast<std::uint64_t>(r->int64(row, 0)), blind);
    }
    return {};
  }

  Expected<std::uint64_t> insert_tenant(const TenantRecord& t) override {
    return inserted_id(main_.query(kInsertTenant, PgParams()
                                                      .add_text(t.public_id)
                                                      .add_text(t.name)
                                                      .add_text(t.display_name)
                                                      .add_text(t.default_region)
                                                      .add_text(t.allowed_countries)
                                                      .add(int{t.max_segments})
                                                      .add(t.created_at_ms)),
                       "tenant");
  }

  Expected<bool> update_tenant_settings(const TenantRecord& t) override {
    return changed_one(main_.query(kUpdateTenantSettings, PgParams()
                                                              .add_text(t.display_name)
                                                              .add_text(t.default_region)
                                                              .add_text(t.allowed_countries)
                                                              .add(int{t.max_segments})
                                                              .add_text(t.sender_ids)
                                                              .add_text(t.quiet_hours)
                                                              .add(t.id)));
  }

  Expected<std::uint64_t> insert_api_key(const ApiKeyRecord& k) override {
    return inserted_id(main_.query(kInsertApiKey, PgParams()
                                                      .add(k.tenant_id)
                                                      .add_text(k.prefix)
                                                      .add_text(k.hash)
                                                      .add_text(k.name)
                                                      .add_text(k.role)
                                                      .add(k.created_at_ms)),
                       "API key");
  }

  Expected<bool> revoke_api_key(std::uint64_t tenant, std::uint64_t key_id,
                                std::int64_t at_ms) override {
    return changed_one(main_.query(kRevokeApiKey, PgParams().add(at_ms).add(key_id).add(tenant)));
  }

  Expected<std::optional<IdempotencyRecord>> find_idempotency(std::uint64_t tenant,
                                                              const std::string& key) override {
    auto r = main_.query(kFindIdempotency, PgParams().add(tenant).add_text(key));
    if (!r) return unexpected(r.error());
    if (r->rows() == 0) return std::optional<IdempotencyRecord>{};
    return std::optional<IdempotencyRecord>{IdempotencyRecord{tenant, key, r->bytes(0, 0), r->int64(0, 1)}};
  }

  Expected<void> insert_idempotency(const IdempotencyRecord& r) override {
    return inserted(main_.query(kInsertIdempotency, PgParams()
                                                        .add(r.tenant_id)
                                                        .add_text(r.key)
                                                        .add_bytes(r.sealed)
                                                        .add(r.created_at_ms)),
                    "idempotency key");
  }

  Expected<void> insert_message(const MessageRecord& m) override {
    PgParams p;
    rows::add_message(p, m);
    p.add_text(store_.options_.node_id);
    return main_.defer(kInsertMessage, std::move(p));
  }

  Expected<bool> mark_submitted(std::uint64_t id, const std::string& carrier,
                                const std::vector<std::string>& carrier_ids,
                                std::int64_t at_ms) override {
    auto r = main_.query(kMarkSubmitted, PgParams()
                                             .add(at_ms)
                                             .add_text(carrier)
                                             .add(static_cast<std::int64_t>(carrier_ids.size()))
                                             .add(id)
                                             .add_text(text_array(carrier_ids)));
    if (!r) return unexpected(r.error());
    return r->int64(0, 0) == 1;
  }

  Expected<bool> finish(std::uint64_t id, std::uint8_t status, const std::string& code,
                        const std::string& detail, std::int64_t at_ms) override {
    return changed_one(main_.query(
        kFinish,
        PgParams().add(int{status}).add(at_ms).add_text(code).add_text(detail).add(id)));
  }

  Expected<std::optional<PartRecord>> find_part(const std::string& carrier_id,
                                                const std::optional<std::string>& carrier) override {
    PgParams p;
    p.add_text(carrier_id);
    if (carrier) p.add_text(*carrier);
    auto r = main_.query(carrier ? kFindPart : kFindPartAnyCarrier, p);
    if (!r) return unexpected(r.error());
    return rows::first<PartRecord>(*r, rows::part);
  }

  Expected<std::optional<PartRecord>> mark_part(const std::string& carrier_id,
                                                const std::optional<std::string>& carrier,
                                                std::uint8_t state) override {
    PgParams p;
    p.add(int{state}).add_text(carrier_id);
    if (carrier) p.add_text(*carrier);
    auto r = main_.query(carrier ? kMarkPart : kMarkPartAnyCarrier, p);
    if (!r) return unexpected(r.error());
    return rows::first<PartRecord>(*r, rows::part);
  }

  Expected<bool> deliver_part(std::uint64_t message_id, std::int64_t at_ms) override {
    auto r = main_.query(kDeliverPart, PgParams().add(message_id).add(at_ms));
    if (!r) return unexpected(r.error());
    if (r->rows() == 0) return fail(Errc::not_found, "no such message");
    return r->int64(0, 0) == state::kDelivered && r->int64(0, 1) == r->int64(0, 2);
  }

 private:
  Expected<void> open_keys() {
    if (keys_open_) return {};
    keys_.defer("BEGIN");  // with the first key written
    keys_open_ = true;
    return {};
  }

  PgStore& store_;
  std::unique_lock<std::mutex> lock_;
  PgConnection& main_;
  PgConnection& keys_;
  bool keys_open_ = false;
};

SqlDb& PgStore::sql_writer(WriteTransaction& tx) {
  (void)tx;  // holds write_mutex_: main_ is this transaction's connection
  return *main_;
}

Expected<std::unique_ptr<WriteTransaction>> PgStore::begin() {
  std::unique_lock lock(write_mutex_);
  // A connection lost since the last transaction (server restart, failover) is replaced
  // here; one lost during a transaction fails that transaction as unavailable.
  if (auto ok = reconnect_if_lost(main_, options_.url); !ok) return unexpected(ok.error());
  if (auto ok = reconnect_if_lost(keys_, options_.keys_url); !ok) return unexpected(ok.error());
  if (auto ok = main_->exec("BEGIN"); !ok) return unexpected(ok.error());
  return std::make_unique<Transaction>(*this, std::move(lock));
}

}  // namespace diskret::store::postgresql
