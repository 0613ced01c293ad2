#include "inbound/event_sink.hpp"

namespace diskret::inbound {

Expected<void> InboundEventSink::write_status_events(store::WriteTransaction& tx,
                                                     std::span<const pipeline::StatusEvent> events,
                                                     std::int64_t now_ms) {
  // The common case: no tenant has a webhook, and the pipeline's commit pays nothing.
  if (!queue_.any()) return {};
  auto writes = webhooks_.writes(tx);
  for (const pipeline::StatusEvent& e : events) {
    auto tenant = writes->message_tenant(e.id.value);
    if (!tenant) return unexpected(tenant.error());
    if (!*tenant || !queue_.has(**tenant)) continue;
    QueuedEvent q{**tenant, store::webhook_event::kStatus, e.id.value,
                  static_cast<std::uint8_t>(e.status)};
    if (e.error) {
      q.error_code = e.error->code;
      q.error_detail = e.error->detail;
    }
    if (auto ok = queue_.enqueue(*writes, q, now_ms); !ok) return unexpected(ok.error());
  }
  return {};
}

}  // namespace diskret::inbound
