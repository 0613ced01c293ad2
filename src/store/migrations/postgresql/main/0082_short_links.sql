-- PostgreSQL counterpart of migrations/sqlite/main/0082_short_links.sql (BIGINT, BYTEA, identity ids).
-- Short links (issue 12): a tenant's URLs in marketing texts replaced by <domain>/l/<code>.
-- The redirect goes only to the stored target; clicks are counted per link and day, never
-- per recipient.
CREATE TABLE short_links (
  code        TEXT PRIMARY KEY,
  tenant_id   BIGINT NOT NULL REFERENCES tenants(id),
  target      TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL
);
-- One link per tenant and target while it lives: a campaign to a million people makes one
-- link, so its clicks stay aggregate (no per-recipient tracking).
CREATE INDEX short_links_by_target ON short_links(tenant_id, target, expires_at);
CREATE TABLE short_link_clicks (
  code    TEXT NOT NULL REFERENCES short_links(code),
  day     TEXT NOT NULL,          -- "YYYY-MM-DD" (UTC)
  clicks  BIGINT NOT NULL,
  PRIMARY KEY (code, day)
);
