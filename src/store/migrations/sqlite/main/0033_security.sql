-- Operator access transparency and security monitoring (issue 5).

-- Time-limited support access granted by a tenant admin to a named member of the
-- operator's staff; every read under it lands in the tenant's audit trail.
CREATE TABLE access_grants (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id  INTEGER NOT NULL,
  grantee    TEXT NOT NULL,
  reason     TEXT NOT NULL,
  granted_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX access_grants_tenant ON access_grants(tenant_id, id);

-- Unusual events: many failed logins, exports of many people, key rotation, audit
-- verification failure, break-glass access. tenant_id 0: the platform's, shown to the
-- admins of every tenant.
CREATE TABLE security_alerts (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  severity  TEXT NOT NULL,
  details   TEXT NOT NULL,
  at        INTEGER NOT NULL
);
CREATE INDEX security_alerts_tenant ON security_alerts(tenant_id, id);
