#pragma once
/// WebhookStore: each tenant's webhook (URL and sealed signing secret), the durable queue
/// of events to POST there and the log of every delivery attempt. Queue rows hold no
/// personal data: the body is built when it is sent, from the message or inbound row it
/// names (so an erased person's data is never sent later). Writes join a WriteTransaction
/// of the Store; reads are safe from any thread.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "store/store.hpp"

namespace diskret::store {

struct WebhookRecord {
  std::uint64_t tenant_id = 0;
  std::string url;
  std::string secret;  ///< sealed under the tenant key
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

namespace webhook_event {
inline constexpr std::uint8_t kStatus = 0;   ///< message.status; ref_id: messages.id
inline constexpr std::uint8_t kInbound = 1;  ///< message.inbound; ref_id: inbound_messages.id
inline constexpr std::uint8_t kAlert = 2;    ///< security.alert; ref_id: security_alerts.id

inline constexpr std::uint8_t kPending = 0;
inline constexpr std::uint8_t kDelivered = 1;
inline constexpr std::uint8_t kGivenUp = 2;  ///< retries exhausted
inline constexpr std::uint8_t kDropped = 3;  ///< webhook removed or data erased before sending
}  // namespace webhook_event

struct WebhookEventRecord {
  std::uint64_t id = 0;  ///< time-ordered, assigned by the caller
  std::uint64_t tenant_id = 0;
  std::uint8_t type = webhook_event::kStatus;
  std::uint64_t ref_id = 0;
  std::uint8_t status = 0;  ///< message.status: the message's new state (store::state)
  std::string error_code;
  std::string error_detail;  ///< no personal data
  std::int64_t at_ms = 0;    ///< when it happened
  std::uint8_t state = webhook_event::kPending;
  std::uint32_t attempts = 0;
  std::optional<std::int64_t> first_attempt_ms;
  std::int64_t next_attempt_ms = 0;
  std::optional<std::int64_t> done_at_ms;
};

/// One POST of an event (the delivery log).
struct WebhookAttemptRecord {
  std::uint64_t event_id = 0;
  std::uint32_t attempt = 0;  ///< 1-based
  std::uint64_t tenant_id = 0;
  std::int64_t at_ms = 0;
  int status_code = 0;  ///< 0: no HTTP answer
  std::string error;    ///< why there was none (no URL, no personal data)
  std::int64_t duration_ms = 0;
  std::optional<std::int64_t> next_attempt_ms;  ///< unset: delivered or given up
};

/// A page of a tenant's delivery log, newest first.
struct AttemptQuery {
  std::uint64_t tenant_id = 0;
  std::optional<std::pair<std::uint64_t, std::uint32_t>> before;  ///< cursor (event, attempt)
  std::optional<std::uint64_t> event_id;                          ///< only this event
  std::size_t limit = 50;
};

class WebhookWrites {
 public:
  virtual ~WebhookWrites() = default;

  /// Creates or replaces the tenant's webhook (created_at kept on replace).
  virtual Expected<void> put_webhook(const WebhookRecord& webhook) = 0;
  /// False when the tenant had none. Pending events of the tenant are dropped with it.
  virtual Expected<bool> delete_webhook(std::uint64_t tenant, std::int64_t now_ms) = 0;
  virtual Expected<void> enqueue(const WebhookEventRecord& event) = 0;
  /// Appends the attempt to the log and moves its event on: delivered, given up, or
  /// pending until the attempt's next_attempt_ms.
  virtual Expected<void> record_attempt(const WebhookAttemptRecord& attempt,
                                        std::uint8_t event_state) = 0;
  /// Sets a pending event's final state without an attempt (kDropped).
  virtual Expected<void> finish_event(std::uint64_t event_id, std::uint8_t state,
                                      std::int64_t now_ms) = 0;
  /// The tenant of a message (for status events, which know only the message id).
  virtual Expected<std::optional<std::uint64_t>> message_tenant(std::uint64_t message_id) = 0;
};

class WebhookStore {
 public:
  virtual ~WebhookStore() = default;

  virtual std::unique_ptr<WebhookWrites> writes(WriteTransaction& tx) = 0;

  virtual Expected<std::optional<WebhookRecord>> webhook(std::uint64_t tenant) = 0;
  /// Tenants that have a webhook, ascending.
  virtual Expected<std::vector<std::uint64_t>> tenants_with_webhooks() = 0;
  /// Pending events with next_attempt_ms <= now_ms, earliest first, ids not in `skip`
  /// (those in flight).
  virtual Expected<std::vector<WebhookEventRecord>> due_events(
      std::int64_t now_ms, std::size_t limit, const std::vector<std::uint64_t>& skip) = 0;
  /// The earliest next_attempt_ms of a pending event, if any.
  virtual Expected<std::optional<std::int64_t>> next_due_ms() = 0;
  virtual Expected<std::optional<WebhookEventRecord>> event(std::uint64_t tenant,
                                                            std::uint64_t id) = 0;
  virtual Expected<std::vector<WebhookAttemptRecord>> attempts(const AttemptQuery& query) = 0;
  virtual Expected<std::uint64_t> max_event_id() = 0;
};

}  // namespace diskret::store
