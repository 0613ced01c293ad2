-- The sender ids a tenant may use (comma-separated, as shown); empty: any valid sender id.
ALTER TABLE tenants ADD COLUMN sender_ids TEXT NOT NULL DEFAULT '';
