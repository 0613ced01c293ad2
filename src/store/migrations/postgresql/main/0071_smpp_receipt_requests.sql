-- PostgreSQL counterpart of migrations/sqlite/main/0071_smpp_receipt_requests.sql (BIGINT, BYTEA, identity ids).
-- Messages submitted by SMPP with registered_delivery that still wait for their final
-- status: after a restart the SMPP server still knows where the receipt must go.
-- request holds the customer's addresses, sealed with the tenant's data key.
CREATE TABLE smpp_receipt_requests (
  message_id BIGINT PRIMARY KEY,
  tenant_id BIGINT NOT NULL,
  keep_until BIGINT NOT NULL,
  request BYTEA NOT NULL
);
CREATE INDEX smpp_receipt_requests_keep_until ON smpp_receipt_requests(keep_until);
