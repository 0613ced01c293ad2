#pragma once
/// ReceiptMaker: delivery receipts for SMPP customers, made inside the transaction that
/// writes their message's final status. It takes the message's stored receipt request and
/// puts the receipt deliver_sm (sealed) into the SMPP outbox in that same transaction, so
/// a receipt is never lost between the status and its delivery, and it does not matter
/// which node accepted the submit_sm, which node writes the status or where the customer's
/// receiver is bound: any node with a receiver bound claims it from the outbox.
#include <cstdint>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "pipeline/event_sink.hpp"
#include "store/key_ring.hpp"
#include "store/message_notes.hpp"

namespace diskret::smpp_server {

class ReceiptMaker {
 public:
  ReceiptMaker(store::MessageNotes& notes, store::KeyRing& keys) : notes_(notes), keys_(keys) {}

  /// In the writer's transaction (EventSink::write_status_events): a receipt for each
  /// message among `events` that reached a final status and has a receipt request. A
  /// request that can never be opened (its tenant's key is gone, or it is damaged) is
  /// dropped; an error (the database or the key store cannot answer) fails the commit.
  Expected<void> write(store::WriteTransaction& tx, std::span<const pipeline::StatusEvent> events,
                       std::int64_t now_ms);
  /// After the commit of `events`: the tenants that now have receipts waiting.
  std::vector<std::uint64_t> committed(std::span<const pipeline::StatusEvent> events);

 private:
  store::MessageNotes& notes_;
  store::KeyRing& keys_;
  mutable std::mutex mutex_;
  // Message id -> tenant of receipts written but not yet seen committed (a failed commit
  // is written again with the same ids).
  std::unordered_map<std::uint64_t, std::uint64_t> written_;
};

}  // namespace diskret::smpp_server
