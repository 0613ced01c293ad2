-- Main database: tenants, API keys, messages and what refers to them.
-- Personal data (numbers, texts, client references, stored responses) only as ciphertext;
-- the keys live in the separate key store (keys.db).

CREATE TABLE tenants (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: key store rows name it
  public_id         TEXT NOT NULL UNIQUE,
  name              TEXT NOT NULL,
  display_name      TEXT NOT NULL DEFAULT '',
  default_region    TEXT NOT NULL DEFAULT 'DE',
  allowed_countries TEXT NOT NULL DEFAULT '',
  max_segments      INTEGER NOT NULL DEFAULT 10,
  created_at        INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
  prefix     TEXT NOT NULL UNIQUE,
  hash       TEXT NOT NULL,
  name       TEXT NOT NULL,
  role       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX api_keys_tenant ON api_keys(tenant_id);

-- id is time-ordered (ms << 16 | sequence): inserts append, and created_at is id >> 16.
CREATE TABLE messages (
  id              INTEGER PRIMARY KEY,
  tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
  subject_id      INTEGER,           -- key store subject; NULL: sealed under the tenant key
  status          INTEGER NOT NULL,  -- 0 accepted 1 submitted 2 delivered 3 failed 4 expired 5 rejected
  category        INTEGER NOT NULL,
  segments        INTEGER NOT NULL,
  encoding        TEXT NOT NULL,
  sender          TEXT NOT NULL,
  payload         BLOB NOT NULL,     -- sealed: recipient, text, client_ref
  send_at         INTEGER,           -- set only while waiting for a future send time
  expires_at      INTEGER,
  submitted_at    INTEGER,
  done_at         INTEGER,
  carrier         TEXT,
  parts           INTEGER NOT NULL DEFAULT 0,
  parts_delivered INTEGER NOT NULL DEFAULT 0,
  error_code      TEXT,
  error_detail    TEXT
);
-- Every index here grows at its end only (time-ordered ids), so inserts stay cheap.
CREATE INDEX messages_tenant ON messages(tenant_id, id);
CREATE INDEX messages_pending ON messages(id) WHERE status = 0 AND send_at IS NULL;
CREATE INDEX messages_scheduled ON messages(send_at) WHERE status = 0 AND send_at IS NOT NULL;

-- One row per submitted part. Carrier ids are mostly time-ordered; carrier_id leads the
-- key so that a receipt can also be matched when it arrives over another carrier.
CREATE TABLE carrier_ids (
  carrier_id TEXT NOT NULL,
  carrier    TEXT NOT NULL,
  message_id INTEGER NOT NULL,
  part       INTEGER NOT NULL,
  state      INTEGER NOT NULL DEFAULT 0,  -- 0 submitted 1 delivered 2 failed 3 expired
  PRIMARY KEY (carrier_id, carrier)
) WITHOUT ROWID;

CREATE TABLE idempotency (
  tenant_id  INTEGER NOT NULL,
  key        TEXT NOT NULL,
  sealed     BLOB NOT NULL,  -- fingerprint and stored response
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, key)
) WITHOUT ROWID;
