-- Webhooks (issue 4): per tenant one URL and a signing secret (sealed under the tenant
-- key), a durable queue of events and a log of every delivery attempt. Queue rows name the
-- message or inbound row; the body (with number and text) is built when it is sent.
CREATE TABLE webhooks (
  tenant_id  INTEGER PRIMARY KEY REFERENCES tenants(id),
  url        TEXT NOT NULL,
  secret     BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE webhook_events (
  id               INTEGER PRIMARY KEY,  -- time-ordered
  tenant_id        INTEGER NOT NULL,
  type             INTEGER NOT NULL,     -- 0 message.status, 1 message.inbound
  ref_id           INTEGER NOT NULL,     -- messages.id or inbound_messages.id
  status           INTEGER NOT NULL DEFAULT 0,
  error_code       TEXT NOT NULL DEFAULT '',
  error_detail     TEXT NOT NULL DEFAULT '',
  at               INTEGER NOT NULL,
  state            INTEGER NOT NULL DEFAULT 0,  -- 0 pending 1 delivered 2 given up 3 dropped
  attempts         INTEGER NOT NULL DEFAULT 0,
  first_attempt_at INTEGER,
  next_attempt_at  INTEGER NOT NULL,
  done_at          INTEGER
);
CREATE INDEX webhook_events_due ON webhook_events(next_attempt_at, id) WHERE state = 0;
CREATE INDEX webhook_events_tenant ON webhook_events(tenant_id, id);

CREATE TABLE webhook_attempts (
  event_id        INTEGER NOT NULL,
  attempt         INTEGER NOT NULL,
  tenant_id       INTEGER NOT NULL,
  at              INTEGER NOT NULL,
  status_code     INTEGER NOT NULL,  -- 0: no HTTP answer
  error           TEXT NOT NULL,
  duration_ms     INTEGER NOT NULL,
  next_attempt_at INTEGER,
  PRIMARY KEY (event_id, attempt)
) WITHOUT ROWID;
CREATE INDEX webhook_attempts_tenant ON webhook_attempts(tenant_id, event_id, attempt);
