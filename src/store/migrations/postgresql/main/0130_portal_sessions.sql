-- PostgreSQL counterpart of migrations/sqlite/main/0130_portal_sessions.sql (BIGINT, BYTEA, identity ids).
-- Portal login sessions and the login throttle survive a restart (issue 9). A session row
-- keeps only the SHA-256 of its cookie token (the CSRF token is derived from the token and
-- kept nowhere); the email is looked up again from the user. Rows past their idle or
-- absolute expiry are deleted by the server.
CREATE TABLE portal_sessions (
  token_hash TEXT PRIMARY KEY,
  tenant_id  BIGINT NOT NULL,
  tenant_public_id TEXT NOT NULL,
  user_id    BIGINT NOT NULL,
  role       TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen  BIGINT NOT NULL
);
CREATE INDEX portal_sessions_by_user ON portal_sessions(tenant_id, user_id);

-- Failed logins per account (tenant + email) and per client address: kind 0 = account,
-- 1 = address; key_hash is the SHA-256 of the key, so neither emails nor addresses are
-- stored. Unlocked rows untouched for a day are deleted.
CREATE TABLE portal_login_failures (
  kind         BIGINT NOT NULL,
  key_hash     TEXT NOT NULL,
  failures     BIGINT NOT NULL,
  locked_until BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  PRIMARY KEY (kind, key_hash)
);
