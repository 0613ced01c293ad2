-- Campaigns (issue 7): one message to the members of lists, personalised per contact.
-- The template is the tenant's text; personal data stays in contacts and messages.
CREATE TABLE campaigns (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
  name            TEXT NOT NULL,
  lists           TEXT NOT NULL,   -- list ids separated by spaces
  exclude_lists   TEXT NOT NULL,
  sender          TEXT NOT NULL,
  template        TEXT NOT NULL,
  category        INTEGER NOT NULL,  -- 0 transactional 1 marketing
  send_at         INTEGER,           -- epoch ms; NULL: at start
  rate_per_minute INTEGER NOT NULL,
  status          TEXT NOT NULL,     -- draft scheduled running paused completed cancelled
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX campaigns_tenant ON campaigns(tenant_id, id);
CREATE INDEX campaigns_active ON campaigns(id) WHERE status IN ('scheduled', 'running');

-- One row per recipient, written when the campaign starts (members of the lists minus the
-- excluded lists, each contact once). The runner's progress: state 0 pending, 1 sent
-- (accepted into the pipeline as message_id), 2 rejected (reason). Stored in the commit
-- after the message's, with the idempotency key "campaign <id> <contact>" bridging a crash
-- in between: the retry gets the stored answer instead of a second message.
CREATE TABLE campaign_recipients (
  campaign_id INTEGER NOT NULL,
  contact_id  INTEGER NOT NULL,
  state       INTEGER NOT NULL DEFAULT 0,
  message_id  INTEGER,
  reason      TEXT,
  PRIMARY KEY (campaign_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX campaign_recipients_pending ON campaign_recipients(campaign_id, contact_id)
  WHERE state = 0;
CREATE INDEX campaign_recipients_message ON campaign_recipients(message_id)
  WHERE message_id IS NOT NULL;
