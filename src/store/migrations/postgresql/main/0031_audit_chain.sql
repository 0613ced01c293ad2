-- PostgreSQL counterpart of migrations/sqlite/main/0031_audit_chain.sql (BIGINT, BYTEA, identity ids).
-- The hash chain over audit_events (src/audit, issue 5): each tenant's entries are numbered
-- 1, 2, 3 ... and carry the hash of the entry before them. Rows written without a chain
-- (seq NULL) are adopted into it at the next start.
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN prev_hash BYTEA;
ALTER TABLE audit_events ADD COLUMN hash BYTEA;
CREATE UNIQUE INDEX audit_events_chain ON audit_events(tenant_id, seq);
CREATE INDEX audit_events_unchained ON audit_events(id) WHERE seq IS NULL;
-- What the tenant holds about one person (exports) without scanning the trail.
CREATE INDEX audit_events_subject ON audit_events(tenant_id, subject_blind)
  WHERE subject_blind IS NOT NULL;

-- Signed heads of the chains (Ed25519, key in the key store): every 100 entries and at
-- shutdown.
CREATE TABLE audit_checkpoints (
  tenant_id BIGINT NOT NULL,
  seq       BIGINT NOT NULL,
  hash      BYTEA NOT NULL,
  at        BIGINT NOT NULL,
  key_id    TEXT NOT NULL,
  signature BYTEA NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);
