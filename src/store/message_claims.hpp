#pragma once
/// MessageClaims: work distribution between several `diskret serve` processes (nodes) on
/// one database, without a coordinator. Each node has a lease that its heartbeat renews;
/// every accepted message is claimed by one node (the one that accepted it, or one that
/// claimed it later) and only that node sends it. A node that stops renewing (killed,
/// partitioned) loses its claims when its lease expires, and the other nodes' claim() then
/// takes its accepted messages over. A message can therefore reach a carrier twice only
/// if its node sent it and died (or stalled past its lease) before recording that.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "store/records.hpp"

namespace diskret::store {

class MessageClaims {
 public:
  virtual ~MessageClaims() = default;

  /// Node slots: part of every message id a node makes (pipeline/message_ids.hpp).
  static constexpr unsigned kSlots = 64;

  /// This node's id (unique per process start).
  virtual const std::string& node_id() const = 0;
  /// How long this node's claims outlive its last heartbeat (renew well within it).
  virtual std::chrono::milliseconds lease() const = 0;
  /// The slot (< kSlots) this node held at its last heartbeat, unique among the nodes that
  /// hold one; nullopt before the first heartbeat or when all were taken.
  virtual std::optional<unsigned> slot() const = 0;
  /// Nodes with a live lease at the last heartbeat, this one included (at least 1): a
  /// node's share of a limit that all nodes hold together (carrier TPS).
  virtual std::size_t live_nodes() const = 0;
  /// Extends this node's lease to now + the lease time, takes a slot when it holds none and
  /// counts the live nodes. False when the lease had expired already (it is renewed now):
  /// other nodes may have taken this node's messages over, so the node must drop what it
  /// holds in memory and claim() afresh.
  virtual Expected<bool> heartbeat(std::int64_t now_ms) = 0;
  /// Claims up to `limit` accepted messages that are due (no send_at, or send_at <= now)
  /// and held by no live node (unclaimed, or their node's lease expired), oldest first.
  /// Nodes claiming at once get disjoint sets (FOR UPDATE SKIP LOCKED).
  virtual Expected<std::vector<MessageRecord>> claim(std::int64_t now_ms, std::size_t limit) = 0;
  /// Like claim(), but only messages this node does not hold yet (released, unclaimed, or
  /// of a node whose lease expired): what a node with its own backlog in memory takes over.
  virtual Expected<std::vector<MessageRecord>> take_over(std::int64_t now_ms,
                                                         std::size_t limit) = 0;
  /// Gives back this node's accepted messages and ends its lease (graceful shutdown):
  /// the other nodes take them at once. Returns how many were held.
  virtual Expected<std::uint64_t> release() = 0;
};

}  // namespace diskret::store
