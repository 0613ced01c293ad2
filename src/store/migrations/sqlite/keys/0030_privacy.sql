-- Privacy operations (issue 5). Still no personal data: people appear as blind indexes.

-- Keys of platform services, wrapped by the master key like tenant keys and rewrapped with
-- them on rotation: 'audit-signing' (Ed25519 seed; public key in clear), 'backup' (wraps
-- the file key of each backup), 'apikey-pepper' (keys API key hashes, so that a rotation
-- of the master key does not invalidate every API key).
CREATE TABLE service_keys (
  name          TEXT NOT NULL,
  version       INTEGER NOT NULL,
  master_key_id TEXT NOT NULL,
  wrapped       BLOB NOT NULL,
  public_key    BLOB,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (name, version)
) WITHOUT ROWID;

-- The erasure log. It outlives every copy of diskret.db: after a restore of an older
-- backup, the erasures recorded here are applied again.
CREATE TABLE erased_subjects (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL,
  blind     BLOB NOT NULL,
  erased_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX erased_subjects_blind ON erased_subjects(tenant_id, blind);

-- Tenants whose data key was destroyed (offboarding).
CREATE TABLE offboarded_tenants (
  tenant_id     INTEGER PRIMARY KEY,
  offboarded_at INTEGER NOT NULL
);

-- The newest signed checkpoint of each audit chain, kept apart from the trail so that
-- cutting off the newest entries together with their checkpoints still shows.
CREATE TABLE audit_anchors (
  tenant_id INTEGER PRIMARY KEY,
  seq       INTEGER NOT NULL,
  hash      BLOB NOT NULL,
  at        INTEGER NOT NULL,
  key_id    TEXT NOT NULL,
  signature BLOB NOT NULL
);

-- Which master key ids were in force when (ids only, never key material).
CREATE TABLE master_keys (
  key_id       TEXT PRIMARY KEY,
  activated_at INTEGER NOT NULL,
  retired_at   INTEGER
);
