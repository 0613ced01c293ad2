-- PostgreSQL counterpart of migrations/sqlite/main/0090_portal_totp.sql (BIGINT, BYTEA, identity ids).
-- Portal users' TOTP second factor (issue 9): the shared secret sealed under the tenant's
-- data key, confirmed once the user proved the app has it; last_step refuses a code that
-- was already used (replay within its 30-second window).
CREATE TABLE portal_totp (
  tenant_id    BIGINT NOT NULL,
  user_id      BIGINT NOT NULL,
  secret       BYTEA NOT NULL,
  created_at   BIGINT NOT NULL,
  confirmed_at BIGINT,
  last_step    BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, user_id)
);
