-- Portal users' TOTP second factor (issue 9): the shared secret sealed under the tenant's
-- data key, confirmed once the user proved the app has it; last_step refuses a code that
-- was already used (replay within its 30-second window).
CREATE TABLE portal_totp (
  tenant_id    INTEGER NOT NULL,
  user_id      INTEGER NOT NULL,
  secret       BLOB NOT NULL,
  created_at   INTEGER NOT NULL,
  confirmed_at INTEGER,
  last_step    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, user_id)
);
