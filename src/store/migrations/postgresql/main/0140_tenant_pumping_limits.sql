-- Pumping thresholds per tenant (issue 11), mirroring the SQLite migration 0140: the
-- tenant's own allowances; NULL = the platform's default.
ALTER TABLE tenant_abuse_settings ADD COLUMN prefix_per_hour BIGINT;
ALTER TABLE tenant_abuse_settings ADD COLUMN unusual_per_hour BIGINT;
