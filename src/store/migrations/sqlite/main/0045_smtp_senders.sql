-- Sender addresses a tenant registered for email to SMS without SMTP AUTH (its ERP or
-- mail server). The address is personal data of the tenant's staff: sealed under the
-- tenant's data key; lookups use a keyed hash (platform key), so one address belongs to
-- one tenant. networks: the client addresses allowed to use it ("192.0.2.0/24 2001:db8::/32"),
-- because a sender address alone is easy to forge.
CREATE TABLE smtp_senders (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
  address_index BLOB NOT NULL UNIQUE,
  address       BLOB NOT NULL,
  networks      TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE INDEX smtp_senders_tenant ON smtp_senders(tenant_id);
