-- PostgreSQL counterpart of migrations/sqlite/main/0121_held_messages_blind.sql (BIGINT, BYTEA, identity ids).
-- A held message's person by blind index (tenant's blind key, like contacts), so that an
-- erasure deletes what the abuse checks hold for them (the message itself is sealed under
-- the tenant key and would outlive the person's key).
ALTER TABLE held_messages ADD COLUMN blind BYTEA;
CREATE INDEX held_messages_by_person ON held_messages (tenant_id, blind);
