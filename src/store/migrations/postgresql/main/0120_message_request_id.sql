-- The request that accepted a message, for its log lines (as SQLite's 0120).
ALTER TABLE messages ADD COLUMN request_id TEXT;
