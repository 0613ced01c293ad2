-- PostgreSQL counterpart of migrations/sqlite/main/0111_mail_bounces.sql (BIGINT, BYTEA, identity ids).
-- Email to SMS (issue 6): the bounce of a message accepted from a mail, durable from the
-- acceptance on. Written with the message (origin: the mail's sender and the masked
-- number, sealed with the tenant's data key); the final status fills outcome and reason
-- and schedules it; the notifier sends it, retries with backoff, gives up at give_up_at.
-- Rows without a final status by keep_until are deleted, as are sent ones.
CREATE TABLE mail_bounces (
  message_id   BIGINT PRIMARY KEY,
  tenant_id    BIGINT NOT NULL,
  keep_until   BIGINT NOT NULL,
  origin       BYTEA NOT NULL,
  outcome      TEXT,
  reason       TEXT,
  next_attempt BIGINT,
  attempts     BIGINT NOT NULL DEFAULT 0,
  give_up_at   BIGINT
);
CREATE INDEX mail_bounces_due ON mail_bounces(next_attempt) WHERE next_attempt IS NOT NULL;
CREATE INDEX mail_bounces_keep_until ON mail_bounces(keep_until) WHERE outcome IS NULL;
