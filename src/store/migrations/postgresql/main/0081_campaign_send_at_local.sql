-- PostgreSQL counterpart of migrations/sqlite/main/0081_campaign_send_at_local.sql (BIGINT, BYTEA, identity ids).
-- "09:00 in the recipient's local time" (issue 7): a civil time without offset
-- ("2026-12-01T09:00") at which each recipient gets the campaign in their own time zone;
-- empty: send_at (an instant) or at once.
ALTER TABLE campaigns ADD COLUMN send_at_local TEXT NOT NULL DEFAULT '';
