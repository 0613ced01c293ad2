-- Per-recipient click tracking (issue 12), only for tenants that switch it on and record
-- the consent purpose it serves (PATCH /v1/tenant click_tracking, click_tracking_purpose;
-- audited). Each recipient of a marketing message then gets a short link code of its own;
-- the row names the person by the tenant's blind index (erasure and export find it) and
-- holds the number sealed with the tenant's data key. Clicks on such a code are counted
-- in short_link_clicks as before and, in addition, recorded with their time. Rows go with
-- the link's expiry, with the person's erasure and with the tenant.
ALTER TABLE tenant_content ADD COLUMN click_tracking INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tenant_content ADD COLUMN click_tracking_purpose TEXT NOT NULL DEFAULT '';
CREATE TABLE short_link_recipients (
  code            TEXT PRIMARY KEY,
  link_code       TEXT NOT NULL REFERENCES short_links(code),
  tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
  recipient_blind BLOB NOT NULL,
  recipient       BLOB NOT NULL,
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL
);
CREATE INDEX short_link_recipients_by_person ON short_link_recipients(tenant_id, recipient_blind);
CREATE INDEX short_link_recipients_by_link ON short_link_recipients(link_code);
CREATE INDEX short_link_recipients_expiry ON short_link_recipients(expires_at);
CREATE TABLE short_link_recipient_clicks (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL REFERENCES short_link_recipients(code),
  link_code   TEXT NOT NULL,
  clicked_at  INTEGER NOT NULL
);
CREATE INDEX short_link_recipient_clicks_by_code ON short_link_recipient_clicks(code);
CREATE INDEX short_link_recipient_clicks_by_link ON short_link_recipient_clicks(link_code, id);
