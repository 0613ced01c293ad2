-- Pumping thresholds per tenant (issue 11): a tenant's owners and admins may set their own
-- allowance per range and per hour (PATCH /v1/tenant pumping_prefix_per_hour,
-- pumping_unusual_per_hour) within bounds the operator sets ([security]
-- tenant_pumping_*_max). NULL: the platform's default ([security] pumping_*_per_hour).
ALTER TABLE tenant_abuse_settings ADD COLUMN prefix_per_hour INTEGER;
ALTER TABLE tenant_abuse_settings ADD COLUMN unusual_per_hour INTEGER;
