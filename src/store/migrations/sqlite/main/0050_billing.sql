-- Prepaid credits (issue 8), in euro cents. billing_accounts holds each tenant's balance;
-- the CHECK makes a negative balance impossible whatever the code above does. Every
-- change of a balance is one row of ledger_entries: a double entry moving amount_cents
-- from debit_account to credit_account (accounts "tenant", "card", "grant", "messages").
-- No card data here: top-ups name the vault's charge id and the card token only.
CREATE TABLE billing_accounts (
  tenant_id     INTEGER PRIMARY KEY REFERENCES tenants(id),
  balance_cents INTEGER NOT NULL DEFAULT 0 CHECK (balance_cents >= 0),
  low_alerted   INTEGER NOT NULL DEFAULT 0,
  updated_at    INTEGER NOT NULL
);
CREATE TABLE ledger_entries (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
  kind           TEXT NOT NULL,          -- topup | grant | debit | refund
  debit_account  TEXT NOT NULL,
  credit_account TEXT NOT NULL,
  amount_cents   INTEGER NOT NULL CHECK (amount_cents > 0),
  balance_after  INTEGER NOT NULL CHECK (balance_after >= 0),
  message_id     INTEGER,
  reference      TEXT NOT NULL DEFAULT '',
  created_at     INTEGER NOT NULL
);
CREATE INDEX ledger_entries_tenant ON ledger_entries(tenant_id, id);
-- One debit and at most one refund per message.
CREATE UNIQUE INDEX ledger_entries_message ON ledger_entries(message_id, kind)
  WHERE message_id IS NOT NULL;
-- Top-ups by Idempotency-Key: the same key never credits twice.
CREATE TABLE topups (
  tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
  idempotency_key TEXT NOT NULL,
  amount_cents    INTEGER NOT NULL,
  card_token      TEXT NOT NULL,
  charge_id       TEXT NOT NULL,
  status          TEXT NOT NULL,      -- approved | declined
  reason          TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, idempotency_key)
);
