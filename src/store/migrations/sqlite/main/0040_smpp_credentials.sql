-- SMPP server credentials of tenants: system_id is public, only a peppered hash of the
-- password is kept. window/tps: per-credential limits (0 = server default).
CREATE TABLE smpp_credentials (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
  system_id  TEXT NOT NULL UNIQUE,
  hash       TEXT NOT NULL,
  max_window INTEGER NOT NULL DEFAULT 0,
  max_tps    INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX smpp_credentials_tenant ON smpp_credentials(tenant_id);
