-- Retention of received (MO) messages, as messages.scrubbed (0030).
ALTER TABLE inbound_messages ADD COLUMN scrubbed INTEGER NOT NULL DEFAULT 0;
