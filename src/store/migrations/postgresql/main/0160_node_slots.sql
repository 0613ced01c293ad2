-- Multi-node message ids: each node holds one of 64 slots while it is live (taken at its
-- first heartbeat, given back by release(); a dead node's slot is freed when another node
-- takes one). The slot is part of every message id the node makes, so ids of two nodes
-- never collide (pipeline/message_ids.hpp). NULLs are distinct: nodes without a slot.
ALTER TABLE nodes ADD COLUMN slot SMALLINT;
CREATE UNIQUE INDEX nodes_slot ON nodes(slot);
