-- Key store: kept apart from the data and from data backups, so that destroying a key
-- (erasure, offboarding) makes that data unreadable in old backups too.

-- A tenant's data key wrapped by the master key (AD: tenant and master key id).
CREATE TABLE tenant_keys (
  tenant_id     INTEGER NOT NULL,
  version       INTEGER NOT NULL,
  master_key_id TEXT NOT NULL,
  wrapped       BLOB NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, version)
) WITHOUT ROWID;

-- One person (a phone number within one tenant): a key wrapped by the tenant key.
-- Appended in subject_id order, so new people cost sequential writes only.
CREATE TABLE subjects (
  subject_id INTEGER PRIMARY KEY,
  tenant_id  INTEGER NOT NULL,
  blind      BLOB NOT NULL,
  wrapped    BLOB NOT NULL,
  created_at INTEGER NOT NULL
);

-- Finds a person by the blind index of the number. The only random key of diskret's
-- write path lives here, one narrow row per person (about 26 bytes, not on the much larger
-- messages table, and without the wrapped key): a new person dirties about one small page.
CREATE TABLE subject_index (
  tenant_id  INTEGER NOT NULL,
  blind      BLOB NOT NULL,
  subject_id INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, blind)
) WITHOUT ROWID;
