-- The tenant's audit trail (store::AuditTrail): no personal data in clear; the person is
-- the tenant's blind index of the number. Fields follow audit::AuditDraft, so that the
-- hash-chained trail (src/audit) can take these rows over.
CREATE TABLE audit_events (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id     INTEGER NOT NULL,
  at            INTEGER NOT NULL,
  actor         TEXT NOT NULL,
  action        TEXT NOT NULL,
  object        TEXT NOT NULL DEFAULT '',
  subject_blind BLOB,
  details       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_tenant ON audit_events(tenant_id, id);
