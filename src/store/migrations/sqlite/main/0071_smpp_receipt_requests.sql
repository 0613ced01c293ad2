-- Messages submitted by SMPP with registered_delivery that still wait for their final
-- status: after a restart the SMPP server still knows where the receipt must go.
-- request holds the customer's addresses, sealed with the tenant's data key.
CREATE TABLE smpp_receipt_requests (
  message_id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  keep_until INTEGER NOT NULL,
  request BLOB NOT NULL
);
CREATE INDEX smpp_receipt_requests_keep_until ON smpp_receipt_requests(keep_until);
