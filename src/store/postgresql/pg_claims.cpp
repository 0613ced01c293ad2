// PgStore as MessageClaims: a lease per node (table nodes) and the claiming node's id on
// each accepted message. Renewing a lease writes one row however many messages the node
// holds; a message is free to claim when its node's lease row is gone or expired.
// Times are the nodes' clocks: their skew must stay well below the lease.
#include <algorithm>

#include <fmt/format.h>

#include "store/postgresql/pg_rows.hpp"
#include "store/postgresql/pg_store.hpp"

namespace diskret::store::postgresql {
namespace {

// The lease before this renewal: NULL for a new node. Rows of nodes dead for a day go
// (node ids are per process start); their messages stay claimable, as for any node
// without a live lease.
// Also this node's slot (NULL: none yet, or freed after its lease expired) and the other
// nodes with a live lease.
constexpr std::string_view kHeartbeat =
    "WITH old AS (SELECT lease_until, slot FROM nodes WHERE node_id = $1), "
    "up AS (INSERT INTO nodes(node_id, lease_until, started_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (node_id) DO UPDATE SET lease_until = EXCLUDED.lease_until), "
    "gone AS (DELETE FROM nodes WHERE lease_until < $3 - 86400000) "
    "SELECT (SELECT lease_until FROM old), (SELECT slot FROM old), "
    "(SELECT count(*) FROM nodes WHERE lease_until >= $3 AND node_id <> $1)";
// Slots of nodes whose lease expired are free; the unique index nodes_slot turns two nodes
// taking the same slot at once into an error for one of them (which tries again).
constexpr std::string_view kFreeSlots =
    "UPDATE nodes SET slot = NULL WHERE slot IS NOT NULL AND lease_until < $2 AND node_id <> $1";
constexpr std::string_view kTakeSlot =
    "UPDATE nodes SET slot = (SELECT min(s) FROM generate_series(0, $2 - 1) s"
    " WHERE NOT EXISTS (SELECT 1 FROM nodes n WHERE n.slot = s)) WHERE node_id = $1 "
    "RETURNING slot";
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
    "free AS (SELECT owner FROM o WHERE owner IS NOT NULL"
    " AND ((owner = $1 AND NOT $4::boolean) OR NOT EXISTS ("
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

std::optional<unsigned> PgStore::slot() const {
  const int s = slot_.load();
  if (s < 0) return std::nullopt;
  return static_cast<unsigned>(s);
}

Expected<void> PgStore::take_slot(std::int64_t now_ms) {
  Error last{make_error_code(Errc::unavailable), "no node slot"};
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (auto freed = read(kFreeSlots, PgParams().add_text(options_.node_id).add(now_ms)); !freed) {
      last = freed.error();
      continue;
    }
    auto r = read(kTakeSlot, PgParams().add_text(options_.node_id).add(std::int64_t{kSlots}));
    if (!r) {
      last = r.error();  // another node took the same slot at the same time
      continue;
    }
    const auto slot = r->rows() > 0 ? r->optional_int64(0, 0) : std::nullopt;
    if (!slot) {
      return fail(Errc::unavailable,
                  fmt::format("all {} node slots are held by live nodes", kSlots));
    }
    slot_ = static_cast<int>(*slot);
    return {};
  }
  return unexpected(last);
}

Expected<bool> PgStore::heartbeat(std::int64_t now_ms) {
  auto r = read(kHeartbeat, PgParams()
                                .add_text(options_.node_id)
                                .add(now_ms + options_.lease.count())
                                .add(now_ms));
  if (!r) return unexpected(r.error());
  const auto before = r->optional_int64(0, 0);
  const auto slot = r->optional_int64(0, 1);
  live_nodes_ = 1 + static_cast<std::size_t>(r->int64(0, 2));
  if (slot) {
    slot_ = static_cast<int>(*slot);
  } else if (auto ok = take_slot(now_ms); !ok) {
    slot_ = -1;
    return unexpected(ok.error());
  }
  // Expired: other nodes may have taken this node's messages over.
  return !(before && *before < now_ms);
}

Expected<std::vector<MessageRecord>> PgStore::claim(std::int64_t now_ms, std::size_t limit) {
  return claim_messages(now_ms, limit, false);
}

Expected<std::vector<MessageRecord>> PgStore::take_over(std::int64_t now_ms, std::size_t limit) {
  return claim_messages(now_ms, limit, true);
}

Expected<std::vector<MessageRecord>> PgStore::claim_messages(std::int64_t now_ms,
                                                             std::size_t limit, bool others_only) {
  PgParams p;
  p.add_text(options_.node_id)
      .add(now_ms)
      .add(static_cast<std::int64_t>(limit))
      .add_text(others_only ? "true" : "false");
  auto r = read(kClaim, p);
  if (!r) return unexpected(r.error());
  auto out = rows::all<MessageRecord>(*r, rows::message);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

Expected<std::uint64_t> PgStore::release() {
  auto r = read(kRelease, PgParams().add_text(options_.node_id));
  if (!r) return unexpected(r.error());
  slot_ = -1;  // the node row, and with it the slot, is gone
  return static_cast<std::uint64_t>(r->int64(0, 0));
}

}  // namespace diskret::store::postgresql
