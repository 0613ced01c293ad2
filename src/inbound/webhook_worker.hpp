#pragma once
/// WebhookWorker: delivers the durable webhook queue. On a thread of its own it takes the
/// events that are due, builds each body from the row it names (decrypting the number and
/// text only now), signs it with the tenant's secret (Diskret-Signature) and POSTs it
/// through the WebhookClient, several at a time (a few per tenant, so that one slow
/// receiver cannot hold up the others). Every attempt is logged; a failed one is tried
/// again on the RetrySchedule until 24 h have passed. Events survive restarts: an attempt
/// cut off by a crash is simply made again (receivers deduplicate by Diskret-Event-Id).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "inbound/retry_schedule.hpp"
#include "inbound/webhook_client.hpp"
#include "store/inbound_store.hpp"
#include "store/key_ring.hpp"
#include "store/security_store.hpp"
#include "store/store.hpp"
#include "store/webhook_store.hpp"

namespace diskret::inbound {

struct WebhookWorkerConfig {
  std::size_t max_in_flight = 16;
  std::size_t max_per_tenant = 4;
  RetrySchedule schedule;
  WebhookClientConfig client;
  /// How often the queue is looked at without being woken (events due by time).
  std::chrono::milliseconds poll{1'000};
};

struct WebhookWorkerStats {
  std::uint64_t delivered = 0;
  std::uint64_t failed_attempts = 0;
  std::uint64_t given_up = 0;
  std::uint64_t dropped = 0;  ///< webhook or data gone before sending
};

struct WebhookWorkerDeps {
  store::Store& store;
  store::WebhookStore& webhooks;
  store::InboundStore& inbound;
  store::KeyRing& keys;
  const Clock& clock;
};

class WebhookWorker {
 public:
  WebhookWorker(WebhookWorkerDeps deps, WebhookWorkerConfig config = {});
  ~WebhookWorker();  ///< stop()s
  WebhookWorker(const WebhookWorker&) = delete;
  WebhookWorker& operator=(const WebhookWorker&) = delete;

  Expected<void> start();
  /// Cancels posts in flight (they are made again after the next start) and joins.
  void stop();
  /// Look at the queue now (events were queued, or a FakeClock moved).
  void wake();
  /// Where security.alert events find their alert (set before start()); without it such
  /// events are dropped.
  void set_alert_store(store::SecurityStore* alerts) { alerts_.store(alerts); }

  WebhookWorkerStats stats() const;
  /// True once no event is in flight or due now.
  bool wait_idle(std::chrono::milliseconds timeout);

 private:
  struct Request;
  struct Result {
    store::WebhookEventRecord event;
    PostOutcome outcome;
  };

  void run();
  void record(std::vector<Result>& results);
  void dispatch();
  /// The request for an event; nullopt when the event is to be dropped.
  Expected<std::optional<Request>> build(const store::WebhookEventRecord& event);
  void drop(std::vector<std::uint64_t>& ids);

  WebhookWorkerDeps d_;
  WebhookWorkerConfig config_;
  std::atomic<store::SecurityStore*> alerts_{nullptr};
  WebhookClient client_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::vector<Result> results_;
  std::map<std::uint64_t, std::uint64_t> in_flight_;  // event id -> tenant
  bool running_ = false;
  bool stopping_ = false;
  bool woken_ = false;
  bool idle_ = true;
  WebhookWorkerStats stats_;
  std::thread thread_;
};

}  // namespace diskret::inbound
