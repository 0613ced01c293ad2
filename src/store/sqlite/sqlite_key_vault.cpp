#include "store/sqlite/sqlite_key_vault.hpp"

#include <sqlite3.h>

#include <algorithm>

#include <fmt/format.h>

namespace diskret::store::sqlite {
namespace {

constexpr std::string_view kServiceKey =
    "SELECT name, version, master_key_id, wrapped, public_key, created_at FROM service_keys "
    "WHERE name = ? ORDER BY version DESC";
constexpr std::string_view kServiceKeyVersion =
    "SELECT name, version, master_key_id, wrapped, public_key, created_at FROM service_keys "
    "WHERE name = ? AND version = ?";
constexpr std::string_view kInsertServiceKey =
    "INSERT INTO service_keys(name, version, master_key_id, wrapped, public_key, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
constexpr std::string_view kErased =
    "SELECT id, tenant_id, blind, erased_at FROM erased_subjects WHERE tenant_id = ? AND blind = ?";
constexpr std::string_view kErasedAfter =
    "SELECT id, tenant_id, blind, erased_at FROM erased_subjects WHERE id > ? ORDER BY id LIMIT ?";
constexpr std::string_view kInsertErased =
    "INSERT INTO erased_subjects(tenant_id, blind, erased_at) VALUES (?, ?, ?) "
    "ON CONFLICT DO NOTHING";
constexpr std::string_view kSubjectIds =
    "SELECT subject_id FROM subject_index WHERE tenant_id = ? AND blind = ?";
constexpr std::string_view kDeleteSubject = "DELETE FROM subjects WHERE subject_id = ?";
constexpr std::string_view kRecordSubjectId =
    "INSERT INTO erased_subject_ids(subject_id, tenant_id, erasure_id) "
    "SELECT ?, ?, id FROM erased_subjects WHERE tenant_id = ? AND blind = ? "
    "ON CONFLICT DO NOTHING";
constexpr std::string_view kErasedIds =
    "SELECT subject_id FROM erased_subject_ids WHERE erasure_id = ? ORDER BY subject_id";
constexpr std::string_view kDeleteSubjectIndex =
    "DELETE FROM subject_index WHERE tenant_id = ? AND blind = ?";

ServiceKeyRecord service_row(const SqlStatement& s) {
  ServiceKeyRecord r;
  r.name = s.text(0);
  r.version = static_cast<std::uint32_t>(s.int64(1));
  r.master_key_id = s.text(2);
  r.wrapped = s.blob(3);
  r.public_key = s.is_null(4) ? std::string() : s.blob(4);
  r.created_at_ms = s.int64(5);
  return r;
}

Blind to_blind(const std::string& bytes) {
  Blind b{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), b.size()), b.begin());
  return b;
}

ErasedSubjectRecord erased_row(const SqlStatement& s) {
  return {static_cast<std::uint64_t>(s.int64(0)), static_cast<std::uint64_t>(s.int64(1)),
          to_blind(s.blob(2)), s.int64(3)};
}

template <class Row, class Read>
Expected<std::vector<Row>> all_rows(SqlStatement& s, Read read) {
  std::vector<Row> out;
  for (;;) {
    auto row = s.step();
    if (!row) return unexpected(row.error());
    if (!*row) return out;
    out.push_back(read(s));
  }
}

}  // namespace

Expected<std::unique_ptr<SqliteKeyVault>> SqliteKeyVault::open(const std::filesystem::path& path,
                                                               bool fsync) {
  auto db = SqliteDb::open(path, OpenMode::read_write_create);
  if (!db) return unexpected(db.error());
  // secure_delete: deleted keys are overwritten with zeros in the file, not just unlinked.
  auto ok = db->exec(fmt::format(
      "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = {}; "
      "PRAGMA secure_delete = ON;",
      fsync ? "FULL" : "OFF"));
  if (!ok) return unexpected(ok.error());
  return std::make_unique<SqliteKeyVault>(OpenToken{}, std::make_unique<SqliteDb>(std::move(*db)));
}

template <class F>
auto SqliteKeyVault::in_transaction(F&& work) -> decltype(work()) {
  if (auto ok = db_->begin(); !ok) return unexpected(ok.error());
  auto result = work();
  if (!result) {
    if (db_->in_transaction()) (void)db_->exec("ROLLBACK");
    return result;
  }
  if (auto ok = db_->exec("COMMIT"); !ok) {
    if (db_->in_transaction()) (void)db_->exec("ROLLBACK");
    return unexpected(ok.error());
  }
  return result;
}

bool SqliteKeyVault::truncate_log() {
  // A TRUNCATE checkpoint holds back every other writer of keys.db while it waits for
  // readers (a running server's message writer among them), so it may wait only briefly;
  // when it cannot finish, the old pages are overwritten as the log is reused.
  // PostgreSQL has no such log of its own to truncate (its WAL is recycled; VACUUM frees
  // the old row versions): nothing to do there.
  if (db_->dialect() != SqlDialect::sqlite) return true;
  sqlite3* handle = static_cast<SqliteDb&>(*db_).handle();
  sqlite3_busy_timeout(handle, 250);
  int log = 0;
  int done = 0;
  const int rc = sqlite3_wal_checkpoint_v2(handle, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
  sqlite3_busy_timeout(handle, 10'000);
  return rc == SQLITE_OK && log == 0;
}

Expected<std::optional<ServiceKeyRecord>> SqliteKeyVault::service_key(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kServiceKey);
  if (!s) return unexpected(s.error());
  (*s)->bind_text(1, name);
  auto row = (*s)->step();
  if (!row) return unexpected(row.error());
  if (!*row) return std::optional<ServiceKeyRecord>();
  return std::optional<ServiceKeyRecord>(service_row(**s));
}

Expected<std::vector<ServiceKeyRecord>> SqliteKeyVault::service_key_versions(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kServiceKey);
  if (!s) return unexpected(s.error());
  (*s)->bind_text(1, name);
  return all_rows<ServiceKeyRecord>(**s, service_row);
}

Expected<ServiceKeyRecord> SqliteKeyVault::insert_service_key(const ServiceKeyRecord& k) {
  std::lock_guard lock(mutex_);
  return in_transaction([&]() -> Expected<ServiceKeyRecord> {
    auto ins = db_->use(kInsertServiceKey);
    if (!ins) return unexpected(ins.error());
    (*ins)->bind_text(1, k.name);
    (*ins)->bind(2, static_cast<std::int64_t>(k.version));
    (*ins)->bind_text(3, k.master_key_id);
    (*ins)->bind_blob(4, k.wrapped);
    if (k.public_key.empty()) {
      (*ins)->bind_null(5);
    } else {
      (*ins)->bind_blob(5, k.public_key);
    }
    (*ins)->bind(6, k.created_at_ms);
    if (auto ok = (*ins)->run(); !ok) return unexpected(ok.error());
    auto sel = db_->use(kServiceKeyVersion);
    if (!sel) return unexpected(sel.error());
    (*sel)->bind_text(1, k.name);
    (*sel)->bind(2, static_cast<std::int64_t>(k.version));
    auto row = (*sel)->step();
    if (!row) return unexpected(row.error());
    if (!*row) return fail(Errc::internal, "service key vanished after insert");
    return service_row(**sel);
  });
}

Expected<DestroyedKeys> SqliteKeyVault::destroy_subject(std::uint64_t tenant, const Blind& blind,
                                                        std::int64_t at_ms) {
  std::lock_guard lock(mutex_);
  auto destroyed = in_transaction([&]() -> Expected<DestroyedKeys> {
    DestroyedKeys out;
    auto erased = db_->use(kInsertErased);
    if (!erased) return unexpected(erased.error());
    (*erased)->bind(1, tenant);
    (*erased)->bind_blob(2, blind.data(), blind.size());
    (*erased)->bind(3, at_ms);
    if (auto ok = (*erased)->run(); !ok) return unexpected(ok.error());
    {
      auto ids = db_->use(kSubjectIds);
      if (!ids) return unexpected(ids.error());
      (*ids)->bind(1, tenant);
      (*ids)->bind_blob(2, blind.data(), blind.size());
      auto found = all_rows<std::uint64_t>(**ids, [](const SqlStatement& s) {
        return static_cast<std::uint64_t>(s.int64(0));
      });
      if (!found) return unexpected(found.error());
      out.subject_ids = std::move(*found);
    }
    for (auto id : out.subject_ids) {
      auto rec = db_->use(kRecordSubjectId);
      if (!rec) return unexpected(rec.error());
      (*rec)->bind(1, id);
      (*rec)->bind(2, tenant);
      (*rec)->bind(3, tenant);
      (*rec)->bind_blob(4, blind.data(), blind.size());
      if (auto ok = (*rec)->run(); !ok) return unexpected(ok.error());
      auto del = db_->use(kDeleteSubject);
      if (!del) return unexpected(del.error());
      (*del)->bind(1, id);
      if (auto ok = (*del)->run(); !ok) return unexpected(ok.error());
    }
    auto del = db_->use(kDeleteSubjectIndex);
    if (!del) return unexpected(del.error());
    (*del)->bind(1, tenant);
    (*del)->bind_blob(2, blind.data(), blind.size());
    if (auto ok = (*del)->run(); !ok) return unexpected(ok.error());
    return out;
  });
  if (destroyed) destroyed->log_truncated = truncate_log();
  return destroyed;
}

Expected<void> SqliteKeyVault::fill_subject_ids(ErasedSubjectRecord& r) {
  auto s = db_->use(kErasedIds);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, r.id);
  auto ids = all_rows<std::uint64_t>(**s, [](const SqlStatement& st) {
    return static_cast<std::uint64_t>(st.int64(0));
  });
  if (!ids) return unexpected(ids.error());
  r.subject_ids = std::move(*ids);
  return {};
}

Expected<std::optional<ErasedSubjectRecord>> SqliteKeyVault::erased_subject(std::uint64_t tenant,
                                                                            const Blind& blind) {
  std::lock_guard lock(mutex_);
  std::optional<ErasedSubjectRecord> out;
  {
    auto s = db_->use(kErased);
    if (!s) return unexpected(s.error());
    (*s)->bind(1, tenant);
    (*s)->bind_blob(2, blind.data(), blind.size());
    auto row = (*s)->step();
    if (!row) return unexpected(row.error());
    if (!*row) return out;
    out = erased_row(**s);
  }
  if (auto ok = fill_subject_ids(*out); !ok) return unexpected(ok.error());
  return out;
}

Expected<std::vector<ErasedSubjectRecord>> SqliteKeyVault::erased_subjects(std::uint64_t after_id,
                                                                           std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kErasedAfter);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, after_id);
  (*s)->bind(2, static_cast<std::int64_t>(limit));
  auto rows = all_rows<ErasedSubjectRecord>(**s, erased_row);
  if (!rows) return rows;
  for (auto& r : *rows) {
    if (auto ok = fill_subject_ids(r); !ok) return unexpected(ok.error());
  }
  return rows;
}

Expected<DestroyedKeys> SqliteKeyVault::destroy_tenant(std::uint64_t tenant, std::int64_t at_ms) {
  std::lock_guard lock(mutex_);
  auto destroyed = in_transaction([&]() -> Expected<DestroyedKeys> {
    DestroyedKeys out;
    auto mark = db_->statement(
        "INSERT INTO offboarded_tenants(tenant_id, offboarded_at) VALUES (?, ?) "
        "ON CONFLICT DO NOTHING");
    if (!mark) return unexpected(mark.error());
    (*mark)->bind(1, tenant);
    (*mark)->bind(2, at_ms);
    if (auto ok = (*mark)->run(); !ok) return unexpected(ok.error());
    auto keys = db_->statement("DELETE FROM tenant_keys WHERE tenant_id = ?");
    if (!keys) return unexpected(keys.error());
    (*keys)->bind(1, tenant);
    if (auto ok = (*keys)->run(); !ok) return unexpected(ok.error());
    out.tenant_keys = static_cast<std::uint64_t>(db_->changes());
    // subjects has no tenant index: offboarding is rare enough for one scan, and the scan
    // also reaches keys whose index row was never written.
    auto subjects = db_->statement("DELETE FROM subjects WHERE tenant_id = ? RETURNING subject_id");
    if (!subjects) return unexpected(subjects.error());
    (*subjects)->bind(1, tenant);
    auto ids = all_rows<std::uint64_t>(**subjects, [](const SqlStatement& s) {
      return static_cast<std::uint64_t>(s.int64(0));
    });
    if (!ids) return unexpected(ids.error());
    out.subject_ids = std::move(*ids);
    auto index = db_->statement("DELETE FROM subject_index WHERE tenant_id = ?");
    if (!index) return unexpected(index.error());
    (*index)->bind(1, tenant);
    if (auto ok = (*index)->run(); !ok) return unexpected(ok.error());
    return out;
  });
  if (destroyed) destroyed->log_truncated = truncate_log();
  return destroyed;
}

Expected<std::vector<OffboardedTenantRecord>> SqliteKeyVault::offboarded_tenants() {
  std::lock_guard lock(mutex_);
  auto s = db_->statement("SELECT tenant_id, offboarded_at FROM offboarded_tenants ORDER BY tenant_id");
  if (!s) return unexpected(s.error());
  return all_rows<OffboardedTenantRecord>(**s, [](const SqlStatement& st) {
    return OffboardedTenantRecord{static_cast<std::uint64_t>(st.int64(0)), st.int64(1)};
  });
}

Expected<std::uint64_t> SqliteKeyVault::max_tenant_id() {
  std::lock_guard lock(mutex_);
  auto s = db_->use(
      "SELECT COALESCE((SELECT max(tenant_id) FROM tenant_keys), 0), "
      "COALESCE((SELECT max(tenant_id) FROM offboarded_tenants), 0)");
  if (!s) return unexpected(s.error());
  auto row = (*s)->step();
  if (!row) return unexpected(row.error());
  if (!*row) return std::uint64_t{0};
  return static_cast<std::uint64_t>(std::max((*s)->int64(0), (*s)->int64(1)));
}

namespace {

Expected<void> write_anchor(SqlDb& db, const AuditAnchorRecord& a, bool only_forward) {
  auto s = db.statement(
      only_forward
          ? "INSERT INTO audit_anchors(tenant_id, seq, hash, at, key_id, signature) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(tenant_id) DO UPDATE SET "
            "seq = ?2, hash = ?3, at = ?4, key_id = ?5, signature = ?6 WHERE audit_anchors.seq < ?2"
          : "INSERT INTO audit_anchors(tenant_id, seq, hash, at, key_id, signature) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(tenant_id) DO UPDATE SET "
            "seq = ?2, hash = ?3, at = ?4, key_id = ?5, signature = ?6");
  if (!s) return unexpected(s.error());
  (*s)->bind(1, a.tenant_id);
  (*s)->bind(2, a.seq);
  (*s)->bind_blob(3, a.hash);
  (*s)->bind(4, a.at_ms);
  (*s)->bind_text(5, a.key_id);
  (*s)->bind_blob(6, a.signature);
  return (*s)->run();
}

}  // namespace

Expected<void> SqliteKeyVault::advance_anchor(const AuditAnchorRecord& anchor) {
  std::lock_guard lock(mutex_);
  return write_anchor(*db_, anchor, true);
}

Expected<void> SqliteKeyVault::replace_anchor(const AuditAnchorRecord& anchor) {
  std::lock_guard lock(mutex_);
  return write_anchor(*db_, anchor, false);
}

Expected<void> SqliteKeyVault::remove_anchor(std::uint64_t tenant) {
  std::lock_guard lock(mutex_);
  auto s = db_->statement("DELETE FROM audit_anchors WHERE tenant_id = ?");
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  return (*s)->run();
}

Expected<std::vector<AuditAnchorRecord>> SqliteKeyVault::anchors() {
  std::lock_guard lock(mutex_);
  auto s = db_->statement(
      "SELECT tenant_id, seq, hash, at, key_id, signature FROM audit_anchors ORDER BY tenant_id");
  if (!s) return unexpected(s.error());
  return all_rows<AuditAnchorRecord>(**s, [](const SqlStatement& st) {
    return AuditAnchorRecord{static_cast<std::uint64_t>(st.int64(0)),
                             static_cast<std::uint64_t>(st.int64(1)), st.blob(2), st.int64(3),
                             st.text(4), st.blob(5)};
  });
}

Expected<std::optional<std::string>> SqliteKeyVault::current_master_key_id() {
  std::lock_guard lock(mutex_);
  auto s = db_->statement(
      "SELECT key_id FROM master_keys WHERE retired_at IS NULL ORDER BY activated_at DESC LIMIT 1");
  if (!s) return unexpected(s.error());
  auto row = (*s)->step();
  if (!row) return unexpected(row.error());
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>((*s)->text(0));
}

namespace {

Expected<void> activate(SqlDb& db, const std::string& key_id, std::int64_t at_ms) {
  auto retire = db.statement("UPDATE master_keys SET retired_at = ? WHERE key_id <> ? AND retired_at IS NULL");
  if (!retire) return unexpected(retire.error());
  (*retire)->bind(1, at_ms);
  (*retire)->bind_text(2, key_id);
  if (auto ok = (*retire)->run(); !ok) return ok;
  auto add = db.statement("INSERT INTO master_keys(key_id, activated_at) VALUES (?, ?) ON CONFLICT DO NOTHING");
  if (!add) return unexpected(add.error());
  (*add)->bind_text(1, key_id);
  (*add)->bind(2, at_ms);
  return (*add)->run();
}

}  // namespace

Expected<void> SqliteKeyVault::record_master_key(const std::string& key_id, std::int64_t at_ms) {
  std::lock_guard lock(mutex_);
  return in_transaction([&]() -> Expected<void> { return activate(*db_, key_id, at_ms); });
}

Expected<RotationResult> SqliteKeyVault::rewrap_all(const std::string& new_id, const Rewrap& rewrap,
                                                    std::int64_t at_ms) {
  std::lock_guard lock(mutex_);
  auto result = in_transaction([&]() -> Expected<RotationResult> {
    RotationResult out;
    std::vector<WrappedKey> keys;
    {
      auto s = db_->statement(
          "SELECT tenant_id, version, master_key_id, wrapped FROM tenant_keys WHERE master_key_id <> ?");
      if (!s) return unexpected(s.error());
      (*s)->bind_text(1, new_id);
      auto rows = all_rows<WrappedKey>(**s, [](const SqlStatement& st) {
        return WrappedKey{WrappedKey::Kind::tenant, static_cast<std::uint64_t>(st.int64(0)), "",
                          static_cast<std::uint32_t>(st.int64(1)), st.text(2), st.blob(3)};
      });
      if (!rows) return unexpected(rows.error());
      keys = std::move(*rows);
    }
    {
      auto s = db_->statement(
          "SELECT name, version, master_key_id, wrapped FROM service_keys WHERE master_key_id <> ?");
      if (!s) return unexpected(s.error());
      (*s)->bind_text(1, new_id);
      auto rows = all_rows<WrappedKey>(**s, [](const SqlStatement& st) {
        return WrappedKey{WrappedKey::Kind::service, 0, st.text(0),
                          static_cast<std::uint32_t>(st.int64(1)), st.text(2), st.blob(3)};
      });
      if (!rows) return unexpected(rows.error());
      keys.insert(keys.end(), rows->begin(), rows->end());
    }
    for (const auto& k : keys) {
      auto wrapped = rewrap(k);
      if (!wrapped) return unexpected(wrapped.error());
      const bool tenant = k.kind == WrappedKey::Kind::tenant;
      auto s = db_->statement(tenant ? "UPDATE tenant_keys SET master_key_id = ?, wrapped = ? "
                                    "WHERE tenant_id = ? AND version = ?"
                                  : "UPDATE service_keys SET master_key_id = ?, wrapped = ? "
                                    "WHERE name = ? AND version = ?");
      if (!s) return unexpected(s.error());
      (*s)->bind_text(1, new_id);
      (*s)->bind_blob(2, *wrapped);
      if (tenant) {
        (*s)->bind(3, k.tenant_id);
      } else {
        (*s)->bind_text(3, k.name);
      }
      (*s)->bind(4, static_cast<std::int64_t>(k.version));
      if (auto ok = (*s)->run(); !ok) return unexpected(ok.error());
      ++(tenant ? out.tenant_keys : out.service_keys);
    }
    if (auto ok = activate(*db_, new_id, at_ms); !ok) return unexpected(ok.error());
    return out;
  });
  // The old wrappings are overwritten (secure_delete also zeroes freed cells); truncating
  // the log drops the copies of the old pages from keys.db-wal.
  if (result) truncate_log();
  return result;
}

}  // namespace diskret::store::sqlite
