-- PostgreSQL counterpart of migrations/sqlite/main/0080_tenant_content.sql (BIGINT, BYTEA, identity ids).
-- Content safeguards per tenant (issue 12): smart encoding, data-loss prevention policy and
-- the tenant's own patterns ("name<TAB>regex" lines; configuration, not personal data),
-- short links. No row: the defaults (smart encoding on, policy reject, no patterns).
CREATE TABLE tenant_content (
  tenant_id       BIGINT PRIMARY KEY REFERENCES tenants(id),
  smart_encoding  BIGINT NOT NULL DEFAULT 1,
  dlp_policy      TEXT NOT NULL DEFAULT 'reject',
  dlp_patterns    TEXT NOT NULL DEFAULT '',
  short_links     BIGINT NOT NULL DEFAULT 0,
  updated_at      BIGINT NOT NULL DEFAULT 0
);
