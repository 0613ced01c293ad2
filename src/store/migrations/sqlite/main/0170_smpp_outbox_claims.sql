-- Several nodes (or one node's successive runs) deliver from one outbox: a node takes rows
-- for a receiver bound to it by setting claimed_until (epoch ms) and deletes them once the
-- customer answered the deliver_sm. A node that dies holds its rows only until
-- claimed_until; 0 = held by nobody.
ALTER TABLE smpp_outbox ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
