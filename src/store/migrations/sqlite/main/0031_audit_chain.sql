-- The hash chain over audit_events (src/audit, issue 5): each tenant's entries are numbered
-- 1, 2, 3 ... and carry the hash of the entry before them. Rows written without a chain
-- (seq NULL) are adopted into it at the next start.
ALTER TABLE audit_events ADD COLUMN seq INTEGER;
ALTER TABLE audit_events ADD COLUMN prev_hash BLOB;
ALTER TABLE audit_events ADD COLUMN hash BLOB;
CREATE UNIQUE INDEX audit_events_chain ON audit_events(tenant_id, seq);
CREATE INDEX audit_events_unchained ON audit_events(id) WHERE seq IS NULL;
-- What the tenant holds about one person (exports) without scanning the trail.
CREATE INDEX audit_events_subject ON audit_events(tenant_id, subject_blind)
  WHERE subject_blind IS NOT NULL;

-- Signed heads of the chains (Ed25519, key in the key store): every 100 entries and at
-- shutdown.
CREATE TABLE audit_checkpoints (
  tenant_id INTEGER NOT NULL,
  seq       INTEGER NOT NULL,
  hash      BLOB NOT NULL,
  at        INTEGER NOT NULL,
  key_id    TEXT NOT NULL,
  signature BLOB NOT NULL,
  PRIMARY KEY (tenant_id, seq)
) WITHOUT ROWID;
