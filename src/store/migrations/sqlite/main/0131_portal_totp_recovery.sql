-- Recovery codes for the portal's TOTP second factor (issue 9): ten single-use codes shown
-- once; only an HMAC-SHA256 of each (keyed with the tenant's data key) is kept, and used_at
-- marks the one used.
CREATE TABLE portal_totp_recovery (
  tenant_id  INTEGER NOT NULL,
  user_id    INTEGER NOT NULL,
  code_hash  TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  used_at    INTEGER,
  PRIMARY KEY (tenant_id, user_id, code_hash)
);
