-- Contacts, lists, consent history, suppressions and users (issue 4).
-- Personal data (numbers, names, custom fields, suppression reasons, emails) only as
-- ciphertext; a blind index (keyed per tenant) finds a person without decrypting, and the
-- same person in two tenants has unrelated index values.

-- One row per person and tenant. `sealed` (number, names, custom fields) is under the
-- person's subject key; consent_state mirrors the newest consents row (0 none,
-- 1 awaiting confirmation, 2 granted, 3 withdrawn) so that sending need not read history.
CREATE TABLE contacts (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
  blind         BLOB NOT NULL,
  subject_id    INTEGER NOT NULL,
  sealed        BLOB NOT NULL,
  consent_state INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX contacts_blind ON contacts(tenant_id, blind);
CREATE INDEX contacts_tenant ON contacts(tenant_id, id);

CREATE TABLE contact_lists (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX contact_lists_name ON contact_lists(tenant_id, name);

CREATE TABLE list_members (
  list_id    INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  PRIMARY KEY (list_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX list_members_contact ON list_members(contact_id, list_id);

-- Consent history: every change appends a row; the newest row is the contact's consent.
-- The wording is the tenant's text, not personal data.
CREATE TABLE consents (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id        INTEGER NOT NULL,
  contact_id       INTEGER NOT NULL,
  purpose          TEXT NOT NULL,
  source           TEXT NOT NULL,  -- web_form, paper, sms_keyword, import, api
  wording          TEXT NOT NULL,
  obtained_at      INTEGER,
  doi_requested_at INTEGER,
  doi_confirmed_at INTEGER,
  withdrawn_at     INTEGER,
  recorded_at      INTEGER NOT NULL,
  recorded_by      TEXT NOT NULL   -- "api_key:12", "import", "sms"
);
CREATE INDEX consents_contact ON consents(contact_id, id);

-- The opt-out list, keyed by the blind index: it outlives the contact and an erasure of
-- the person (which destroys the subject key and with it `sealed`: number and reason).
CREATE TABLE suppressions (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
  blind      BLOB NOT NULL,
  subject_id INTEGER,
  sealed     BLOB,
  source     TEXT NOT NULL,  -- api, sms_keyword, import, operator
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX suppressions_blind ON suppressions(tenant_id, blind);
CREATE INDEX suppressions_tenant ON suppressions(tenant_id, id);

-- Every addition and removal, without personal data: proof that an opt-out was honoured.
CREATE TABLE suppression_log (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL,
  blind     BLOB NOT NULL,
  action    TEXT NOT NULL,  -- added, removed
  source    TEXT NOT NULL,
  at        INTEGER NOT NULL
);
CREATE INDEX suppression_log_blind ON suppression_log(tenant_id, blind, id);

-- Portal users. The email is personal data: sealed under the tenant key, found by its
-- blind index. Passwords: Argon2id (libsodium crypto_pwhash_str).
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
  email_blind   BLOB NOT NULL,
  email_sealed  BLOB NOT NULL,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  disabled_at   INTEGER
);
CREATE UNIQUE INDEX users_email ON users(tenant_id, email_blind);
