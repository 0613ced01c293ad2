#include "vault/schema.hpp"

#include <fmt/format.h>

#include "vault/errc.hpp"

namespace diskret::vault {
namespace {

// PAN and holder exist only as ciphertext (pan_ct, holder_ct); first6 and last4 are the
// most PCI DSS allows to keep in the clear. There is no column for the CVC.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE data_keys (
  id          TEXT PRIMARY KEY,
  created_at  INTEGER NOT NULL,
  active      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE key_wraps (
  data_key_id   TEXT NOT NULL REFERENCES data_keys(id) ON DELETE CASCADE,
  master_key_id TEXT NOT NULL,
  wrapped       BLOB NOT NULL,
  PRIMARY KEY (data_key_id, master_key_id)
);
CREATE TABLE cards (
  token       TEXT PRIMARY KEY,
  owner       TEXT NOT NULL,
  brand       TEXT NOT NULL,
  first6      TEXT NOT NULL,
  last4       TEXT NOT NULL,
  exp_month   INTEGER NOT NULL,
  exp_year    INTEGER NOT NULL,
  holder_ct   BLOB,
  pan_ct      BLOB,
  key_id      TEXT REFERENCES data_keys(id),
  created_at  INTEGER NOT NULL,
  deleted_at  INTEGER
);
CREATE INDEX cards_by_owner ON cards(owner, created_at);
CREATE TABLE charges (
  owner           TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  charge_id       TEXT NOT NULL UNIQUE,
  token           TEXT NOT NULL,
  amount_cents    INTEGER NOT NULL,
  currency        TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
  reason          TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (owner, idempotency_key)
);
CREATE TABLE audit (
  seq        INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  event      TEXT NOT NULL,
  actor      TEXT NOT NULL,
  subject    TEXT NOT NULL,
  detail     TEXT NOT NULL,
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

}  // namespace

Expected<void> migrate(Database& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  if (!stmt) return unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return unexpected(row.error());
  const auto version = *row ? stmt->int64(0) : 0;
  if (version > kSchemaVersion) {
    return fail(Errc::storage, fmt::format("the vault database has schema version {}; this "
                                           "diskret-vault knows up to {}",
                                           version, kSchemaVersion));
  }
  if (version == kSchemaVersion) return {};
  auto tx = Transaction::begin(db);
  if (!tx) return unexpected(tx.error());
  if (auto ok = db.exec(kVersion1); !ok) return ok;
  if (auto ok = db.exec(fmt::format("PRAGMA user_version = {}", kSchemaVersion)); !ok) return ok;
  return tx->commit();
}

}  // namespace diskret::vault
