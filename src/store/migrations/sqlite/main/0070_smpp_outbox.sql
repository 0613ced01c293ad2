-- deliver_sm (delivery receipts, inbound messages) for a tenant's SMPP receiver binds,
-- kept while none is bound: delivered and deleted when one binds, deleted unread once
-- keep_until (epoch ms: the message's validity, or the server's receipt_keep) has passed.
-- pdu is the encoded PDU sealed with the tenant's data key (it holds numbers and text).
CREATE TABLE smpp_outbox (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  keep_until INTEGER NOT NULL,
  pdu BLOB NOT NULL
);
CREATE INDEX smpp_outbox_tenant ON smpp_outbox(tenant_id, id);
CREATE INDEX smpp_outbox_keep_until ON smpp_outbox(keep_until);
