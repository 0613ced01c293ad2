-- PostgreSQL counterpart of migrations/sqlite/main/0110_tenant_bounce_emails.sql (BIGINT, BYTEA, identity ids).
-- Email to SMS (issue 6): a tenant switches bounce mails for failed SMS on itself
-- (PATCH /v1/tenant bounce_emails); [smtp] bounce_tenants stays as the operator's override.
ALTER TABLE tenant_content ADD COLUMN bounce_emails BIGINT NOT NULL DEFAULT 0;
