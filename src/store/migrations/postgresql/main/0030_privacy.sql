-- PostgreSQL counterpart of migrations/sqlite/main/0030_privacy.sql (BIGINT, BYTEA, identity ids).
-- Privacy operations (issue 5): retention settings and progress, erasure progress,
-- offboarded tenants.

-- Per-tenant settings (JSON of privacy::RetentionPolicy); absent: the defaults.
CREATE TABLE privacy_settings (
  tenant_id  BIGINT PRIMARY KEY,
  retention  TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- What retention did to a message: 0 nothing, 1 text removed, 2 pseudonymised (number and
-- text removed, no link to the person). Statistics and billing columns stay.
-- (messages.scrubbed: in 0001_init)

-- Where the retention job resumes per tenant and stage (ids are time-ordered, so each
-- stage walks forward through them once) ...
CREATE TABLE retention_cursors (
  tenant_id BIGINT NOT NULL,
  stage     TEXT NOT NULL,
  next_id   BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, stage)
);
-- ... and the few rows it had to pass while they were still on their way (scheduled far
-- ahead, receipt outstanding); they are looked at again on every run until done.
CREATE TABLE retention_pending (
  tenant_id BIGINT NOT NULL,
  stage     TEXT NOT NULL,
  row_id    BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, stage, row_id)
);

-- Progress markers of this copy of the database, e.g. the last erasure of the key store's
-- log applied to it (a restored older copy starts from its own, older marker).
CREATE TABLE privacy_state (
  name  TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);

-- Offboarded tenants keep their row (ids are never reused) but nothing else.
-- (tenants.offboarded_at: in 0001_init)
