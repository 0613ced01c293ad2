-- Inbound numbers, mobile-originated (MO) messages and keyword replies (issue 4).
-- The MO sender and text exist only as ciphertext under the sender's subject key.

-- Long numbers (E.164) and short codes the operator assigned; not personal data.
CREATE TABLE inbound_numbers (
  number     TEXT PRIMARY KEY,
  kind       INTEGER NOT NULL,  -- 0 long number, 1 short code
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX inbound_numbers_tenant ON inbound_numbers(tenant_id, number);

-- id is time-ordered like messages.id, so inserts append. handled = 0 marks a message whose
-- keyword effects (suppression, audit, reply) are still to be applied: stored first, so
-- that the carrier's acknowledgement never waits for them and a crash loses none.
CREATE TABLE inbound_messages (
  id          INTEGER PRIMARY KEY,
  tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
  subject_id  INTEGER,           -- the sender's subject; NULL: sealed under the tenant key
  number      TEXT NOT NULL,     -- ours, as assigned
  payload     BLOB NOT NULL,     -- sealed: sender and text
  keyword     INTEGER,           -- 0 stop 1 start 2 help 3 confirm
  carrier     TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  handled     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX inbound_messages_tenant ON inbound_messages(tenant_id, id);
CREATE INDEX inbound_messages_unhandled ON inbound_messages(id) WHERE handled = 0;

-- Keyword replies: the rate limit reads them per person; accepted = 0 marks a reply whose
-- message is not committed yet (accepted again after a restart, idempotently).
CREATE TABLE keyword_replies (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id  INTEGER NOT NULL,
  subject_id INTEGER NOT NULL,
  kind       INTEGER NOT NULL,
  inbound_id INTEGER NOT NULL,
  at         INTEGER NOT NULL,
  accepted   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX keyword_replies_subject ON keyword_replies(tenant_id, subject_id, at);
CREATE INDEX keyword_replies_unaccepted ON keyword_replies(id) WHERE accepted = 0;

-- Per-tenant keyword lists and reply texts (JSON); absent: the defaults.
CREATE TABLE inbound_settings (
  tenant_id  INTEGER PRIMARY KEY REFERENCES tenants(id),
  settings   TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
