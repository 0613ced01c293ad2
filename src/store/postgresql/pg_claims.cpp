// PgStore as MessageClaims: a lease per node (table nodes) and the claiming node's id on
// each accepted message. Renewing a lease writes one row however many messages the node
// holds; a message is free to claim when its node's lease row is gone or expired.
// Times are the nodes' clocks: their skew must stay well below the lease.
#include <algorithm>

#include "store/postgresql/pg_rows.hpp"
#include "store/postgresql/pg_store.hpp"

namespace diskret::store::postgresql {
namespace {

// The lease before this renewal: NULL for a new node. Rows of nodes dead for a day go
// (node ids are per process start); their messages stay claimable, as for any node
// without a live lease.
constexpr std::string_view kHeartbeat =
    "WITH old AS (SELECT lease_until FROM nodes WHERE node_id = $1), "
    "up AS (INSERT INTO nodes(node_id, lease_until, started_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (node_id) DO UPDATE SET lease_until = EXCLUDED.lease_until), "
    "gone AS (DELETE FROM nodes WHERE lease_until < $3 - 86400000) "
    "SELECT (SELECT lease_until FROM old)";
// Which messages may be taken: unclaimed ones, this node's own (after a lost lease, or
// when they did not fit in its memory), and those of nodes without a live lease. The
// owners come from a loose index scan (one probe per distinct owner, not one per message:
// a live node's backlog of millions is never read), then each group is read in id order
// on messages_claims. SKIP LOCKED: rows another node is claiming right now are left to
// it, so nodes claiming at once never wait for each other and never get the same message;
// the outer WHERE is checked again on the locked row, so a row claimed meanwhile by a
// live node is not taken.
constexpr std::string_view kClaim =
    "WITH RECURSIVE o(owner) AS ("
    " (SELECT claimed_by FROM messages WHERE status = 0 AND claimed_by IS NOT NULL"
    "  ORDER BY claimed_by LIMIT 1)"
    " UNION ALL"
    " SELECT (SELECT claimed_by FROM messages WHERE status = 0 AND claimed_by > o.owner"
    "  ORDER BY claimed_by LIMIT 1) FROM o WHERE o.owner IS NOT NULL), "
    "free AS (SELECT owner FROM o WHERE owner IS NOT NULL AND (owner = $1 OR NOT EXISTS ("
    " SELECT 1 FROM nodes n WHERE n.node_id = o.owner AND n.lease_until >= $2))), "
    "candidates AS ("
    " (SELECT id FROM messages WHERE status = 0 AND claimed_by IS NULL"
    "  AND (send_at IS NULL OR send_at <= $2) ORDER BY claimed_by, id LIMIT $3)"
    " UNION ALL"
    " SELECT x.id FROM free f CROSS JOIN LATERAL (SELECT id FROM messages"
    "  WHERE status = 0 AND claimed_by = f.owner AND (send_at IS NULL OR send_at <= $2)"
    "  ORDER BY claimed_by, id LIMIT $3) x), "
    "c AS (SELECT id AS claim_id FROM messages WHERE id = ANY (ARRAY(SELECT id FROM candidates))"
    " AND status = 0 AND (send_at IS NULL OR send_at <= $2)"
    " AND (claimed_by IS NULL OR claimed_by IN (SELECT owner FROM free))"
    " ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) "
    "UPDATE messages SET claimed_by = $1 FROM c WHERE id = c.claim_id "
    "RETURNING " DISKRET_PG_MESSAGE_COLUMNS;
constexpr std::string_view kRelease =
    "WITH r AS (UPDATE messages SET claimed_by = NULL WHERE claimed_by = $1 AND status = 0 "
    "RETURNING 1), d AS (DELETE FROM nodes WHERE node_id = $1) SELECT count(*) FROM r";

}  // namespace

Expected<void> PgStore::heartbeat(std::int64_t now_ms) {
  auto r = read(kHeartbeat,
                PgParams().add_text(options_.node_id).add(now_ms + options_.lease.count()).add(now_ms));
  if (!r) return unexpected(r.error());
  const auto before = r->optional_int64(0, 0);
  if (before && *before < now_ms) {
    return fail(Errc::unavailable,
                "this node's lease had expired: other nodes may have taken its messages over");
  }
  return {};
}

Expected<std::vector<MessageRecord>> PgStore::claim(std::int64_t now_ms, std::size_t limit) {
  PgParams p;
  p.add_text(options_.node_id).add(now_ms).add(static_cast<std::int64_t>(limit));
  auto r = read(kClaim, p);
  if (!r) return unexpected(r.error());
  auto out = rows::all<MessageRecord>(*r, rows::message);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

Expected<std::uint64_t> PgStore::release() {
  auto r = read(kRelease, PgParams().add_text(options_.node_id));
  if (!r) return unexpected(r.error());
  return static_cast<std::uint64_t>(r->int64(0, 0));
}

}  // namespace diskret::store::postgresql
