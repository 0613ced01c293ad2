-- "09:00 in the recipient's local time" (issue 7): a civil time without offset
-- ("2026-12-01T09:00") at which each recipient gets the campaign in their own time zone;
-- empty: send_at (an instant) or at once.
ALTER TABLE campaigns ADD COLUMN send_at_local TEXT NOT NULL DEFAULT '';
