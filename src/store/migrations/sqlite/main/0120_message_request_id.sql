-- The request that accepted a message (X-Request-Id, or the SMTP/SMPP session's id), so
-- that its log lines from acceptance to the carrier's receipt carry one id to grep for.
-- Never personal data: ids that look like phone numbers are replaced by the server's own.
ALTER TABLE messages ADD COLUMN request_id TEXT;
