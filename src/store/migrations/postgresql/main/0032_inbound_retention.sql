-- PostgreSQL counterpart of migrations/sqlite/main/0032_inbound_retention.sql (BIGINT, BYTEA, identity ids).
-- Retention of received (MO) messages, as messages.scrubbed (0030).
ALTER TABLE inbound_messages ADD COLUMN scrubbed BIGINT NOT NULL DEFAULT 0;
