-- Privacy operations (issue 5): retention settings and progress, erasure progress,
-- offboarded tenants.

-- Per-tenant settings (JSON of privacy::RetentionPolicy); absent: the defaults.
CREATE TABLE privacy_settings (
  tenant_id  INTEGER PRIMARY KEY,
  retention  TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

-- What retention did to a message: 0 nothing, 1 text removed, 2 pseudonymised (number and
-- text removed, no link to the person). Statistics and billing columns stay.
ALTER TABLE messages ADD COLUMN scrubbed INTEGER NOT NULL DEFAULT 0;

-- Where the retention job resumes per tenant and stage (ids are time-ordered, so each
-- stage walks forward through them once) ...
CREATE TABLE retention_cursors (
  tenant_id INTEGER NOT NULL,
  stage     TEXT NOT NULL,
  next_id   INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, stage)
) WITHOUT ROWID;
-- ... and the few rows it had to pass while they were still on their way (scheduled far
-- ahead, receipt outstanding); they are looked at again on every run until done.
CREATE TABLE retention_pending (
  tenant_id INTEGER NOT NULL,
  stage     TEXT NOT NULL,
  row_id    INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, stage, row_id)
) WITHOUT ROWID;

-- Progress markers of this copy of the database, e.g. the last erasure of the key store's
-- log applied to it (a restored older copy starts from its own, older marker).
CREATE TABLE privacy_state (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);

-- Offboarded tenants keep their row (ids are never reused) but nothing else.
ALTER TABLE tenants ADD COLUMN offboarded_at INTEGER;
