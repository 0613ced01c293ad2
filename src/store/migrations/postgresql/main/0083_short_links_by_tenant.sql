-- PostgreSQL counterpart of migrations/sqlite/main/0083_short_links_by_tenant.sql (BIGINT, BYTEA, identity ids).
-- GET /v1/short-links (issue 12): a tenant's links in creation order, a page at a time
-- (keyset on rowid, which this index carries after tenant_id).
CREATE INDEX short_links_by_tenant ON short_links(tenant_id);
