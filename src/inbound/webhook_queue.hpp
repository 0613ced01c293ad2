#pragma once
/// WebhookQueue: puts events on the durable webhook queue inside the transaction of the
/// change they report, only for tenants that have a webhook (known from a small in-memory
/// set, so that tenants without one cost nothing), and wakes the delivery worker.
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "pipeline/message_ids.hpp"
#include "store/webhook_store.hpp"

namespace diskret::inbound {

struct QueuedEvent {
  std::uint64_t tenant = 0;
  std::uint8_t type = store::webhook_event::kStatus;
  std::uint64_t ref_id = 0;
  std::uint8_t status = 0;
  std::string error_code;
  std::string error_detail;
};

class WebhookQueue {
 public:
  WebhookQueue(store::WebhookStore& store, const Clock& clock) : store_(store), ids_(clock) {}

  /// Reads which tenants have a webhook and the largest event id.
  Expected<void> load();
  bool any() const { return count_.load() > 0; }
  bool has(std::uint64_t tenant) const;
  /// After a webhook was stored (true) or deleted (false) for `tenant`.
  void set(std::uint64_t tenant, bool has);

  /// Queues `event` in `writes`' transaction when its tenant has a webhook; true if queued.
  Expected<bool> enqueue(store::WebhookWrites& writes, const QueuedEvent& event,
                         std::int64_t now_ms);
  /// Queues a security.alert event for alert `alert_id` in `writes`' transaction: to
  /// `tenant` if it has a webhook, or (tenant 0, a platform alert, which every tenant's
  /// admins see) to every tenant that has one. Returns how many were queued.
  Expected<std::size_t> enqueue_alert(store::WebhookWrites& writes, std::uint64_t tenant,
                                      std::uint64_t alert_id, std::int64_t now_ms);

  /// Event ids carry the node's id slot that `slot` answers (several nodes; see
  /// pipeline::Pipeline::id_slot). Without it, ids carry no slot (one node, admin commands).
  void follow_slot(std::function<std::optional<unsigned>()> slot) { slot_ = std::move(slot); }

  /// Called after commits that queued events (the delivery worker's wake()).
  void on_queued(std::function<void()> wake) { wake_ = std::move(wake); }
  void queued() const {
    if (wake_) wake_();
  }

 private:
  std::uint64_t next_id();

  store::WebhookStore& store_;
  pipeline::MessageIdGenerator ids_;
  std::function<std::optional<unsigned>()> slot_;
  mutable std::mutex mutex_;
  std::set<std::uint64_t> tenants_;
  std::atomic<std::size_t> count_{0};
  std::function<void()> wake_;
};

}  // namespace diskret::inbound
