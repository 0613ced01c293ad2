-- PostgreSQL counterpart of migrations/sqlite/main/0131_portal_totp_recovery.sql (BIGINT, BYTEA, identity ids).
-- Recovery codes for the portal's TOTP second factor (issue 9): ten single-use codes shown
-- once; only an HMAC-SHA256 of each (keyed with the tenant's data key) is kept, and used_at
-- marks the one used.
CREATE TABLE portal_totp_recovery (
  tenant_id  BIGINT NOT NULL,
  user_id    BIGINT NOT NULL,
  code_hash  TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  used_at    BIGINT,
  PRIMARY KEY (tenant_id, user_id, code_hash)
);
