#pragma once
/// Dispatcher: decides what goes to the carriers next. Keeps at most `max_in_flight`
/// messages handed out without a committed outcome. Committed messages come straight from
/// the writer (plaintext still in memory) while the in-memory queue is short; beyond that,
/// and after a restart, they are paged from the database, so a long backlog (carrier down)
/// stays on disk. Lives on the writer thread: not thread-safe.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "carrier/carrier_pool.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "pipeline/status_changes.hpp"
#include "store/key_ring.hpp"
#include "store/store.hpp"

namespace diskret::pipeline {

struct DispatchItem {
  std::uint64_t id = 0;
  std::uint64_t tenant = 0;
  std::string to;
  std::string from;
  std::string text;
  std::optional<std::int64_t> expires_at_ms;
  std::string request_id;
};

struct DispatcherConfig {
  std::size_t max_in_flight = 256;
  std::size_t memory_queue = 20'000;
  std::size_t page_size = 512;
};

class Dispatcher {
 public:
  Dispatcher(store::Store& store, store::KeyRing& keys, const Clock& clock, DispatcherConfig config);

  /// At start: everything still accepted in the database is due for dispatch.
  Expected<void> resume();
  /// A message just committed and due now.
  void offer(DispatchItem&& item);
  /// A message just committed that waits for its send time.
  void offer_scheduled(std::int64_t send_at_ms);

  /// What may go to the carriers now, within the in-flight limit. Messages that cannot be
  /// sent (expired, unreadable, bad sender) come back as changes in `settle`.
  Expected<std::vector<carrier::OutboundMessage>> next_batch(std::vector<StatusChange>& settle);
  /// The message's outcome (or change from `settle`) is committed: its slot is free.
  /// Returns the request id it was accepted with (for the log line).
  std::string settled(std::uint64_t id);

  /// Several nodes: messages this node just took over from others (store::MessageClaims::
  /// take_over()); they join the memory queue whatever its length (see room()).
  void take(std::vector<store::MessageRecord>&& rows, std::vector<StatusChange>& settle);
  /// Room in the memory queue for messages taken over.
  std::size_t room() const {
    return queue_.size() < config_.memory_queue ? config_.memory_queue - queue_.size() : 0;
  }
  /// This node's lease was lost: what is queued may belong to another node now. Forgets
  /// it and reads this node's messages from the store again (those handed to the carrier
  /// keep their slot until their outcome).
  void forget_queued();

  bool has_work(std::int64_t now_ms) const;
  /// Whether next_batch() may read the store now (a page of the backlog, or due scheduled
  /// messages) rather than only its memory queue.
  bool reads_store(std::int64_t now_ms) const {
    return overflow_ || (next_due_ms_ && *next_due_ms_ <= now_ms);
  }
  std::optional<std::int64_t> next_due_ms() const { return next_due_ms_; }
  std::size_t outstanding() const { return outstanding_.size(); }
  std::size_t queued() const { return queue_.size(); }

 private:
  Expected<void> load_page(std::vector<StatusChange>& settle);
  /// Caches the subject keys of a page's unclaimed rows with one key store read.
  void preload_keys(const std::vector<store::MessageRecord>& rows);
  Expected<void> load_due(std::int64_t now_ms, std::vector<StatusChange>& settle);
  /// Queues the record, or settles it as undeliverable when its payload is gone for good;
  /// an error (nothing done) when the key store cannot answer now.
  Expected<void> enqueue_record(store::MessageRecord&& record, std::vector<StatusChange>& settle);
  /// The page scan reads again from `id` on (a message it must not miss).
  void rescan_from(std::uint64_t id);
  /// The recipient was erased (or the tenant offboarded) after the item was queued.
  bool erased_since_queued(const DispatchItem& item);
  bool claimed(std::uint64_t id) const { return queued_ids_.contains(id) || outstanding_.contains(id); }

  store::Store& store_;
  store::KeyRing& keys_;
  const Clock& clock_;
  const DispatcherConfig config_;
  std::deque<DispatchItem> queue_;
  std::unordered_set<std::uint64_t> queued_ids_;
  // Handed out, outcome not committed: id -> request id.
  std::unordered_map<std::uint64_t, std::string> outstanding_;
  // True while accepted messages may exist in the database that are neither queued nor
  // outstanding; they all have ids > cursor_.
  bool overflow_ = false;
  std::uint64_t cursor_ = 0;
  std::optional<std::int64_t> next_due_ms_;
};

}  // namespace diskret::pipeline
