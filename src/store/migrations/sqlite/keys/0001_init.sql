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

-- One person (a phone number within one tenant): a key wrapped by the tenant key, found
-- by the number's blind index. The random blind index lives here, one row per person,
-- not on the much larger messages table.
CREATE TABLE subjects (
  tenant_id  INTEGER NOT NULL,
  blind      BLOB NOT NULL,
  subject_id INTEGER NOT NULL,
  wrapped    BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, blind)
) WITHOUT ROWID;
CREATE UNIQUE INDEX subjects_id ON subjects(subject_id);
