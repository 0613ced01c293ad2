-- Abuse prevention (issue 11): messages held for review (SMS pumping guard, link check)
-- instead of being sent. The message itself (number, sender, text, category, client
-- reference) is one blob sealed under the tenant's data key; reason and range (a prefix
-- such as "+491511" or a kind such as "premium_rate") are not personal data. A tenant
-- admin releases (sent as a new message) or rejects it; either way the row is deleted. The
-- request that was held got the recipient back `rejected` (held_for_review, naming the id).
CREATE TABLE held_messages (
  id          INTEGER PRIMARY KEY,
  tenant_id   INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  range_name  TEXT NOT NULL,
  source      TEXT NOT NULL,
  sealed      BLOB NOT NULL
);
CREATE INDEX held_messages_by_tenant ON held_messages (tenant_id, id);

-- Per-tenant abuse settings: the optional link check (off by default).
CREATE TABLE tenant_abuse_settings (
  tenant_id   INTEGER PRIMARY KEY,
  link_check  INTEGER NOT NULL DEFAULT 0
);
