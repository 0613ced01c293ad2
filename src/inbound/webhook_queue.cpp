#include "inbound/webhook_queue.hpp"

namespace diskret::inbound {

Expected<void> WebhookQueue::load() {
  auto tenants = store_.tenants_with_webhooks();
  if (!tenants) return unexpected(tenants.error());
  auto max = store_.max_event_id();
  if (!max) return unexpected(max.error());
  ids_.advance_past(*max);
  std::lock_guard lock(mutex_);
  tenants_ = std::set<std::uint64_t>(tenants->begin(), tenants->end());
  count_ = tenants_.size();
  return {};
}

bool WebhookQueue::has(std::uint64_t tenant) const {
  if (!any()) return false;
  std::lock_guard lock(mutex_);
  return tenants_.contains(tenant);
}

void WebhookQueue::set(std::uint64_t tenant, bool has) {
  std::lock_guard lock(mutex_);
  if (has) {
    tenants_.insert(tenant);
  } else {
    tenants_.erase(tenant);
  }
  count_ = tenants_.size();
}

Expected<bool> WebhookQueue::enqueue(store::WebhookWrites& writes, const QueuedEvent& event,
                                     std::int64_t now_ms) {
  if (!has(event.tenant)) return false;
  store::WebhookEventRecord r;
  r.id = ids_.next(1).front().value;
  r.tenant_id = event.tenant;
  r.type = event.type;
  r.ref_id = event.ref_id;
  r.status = event.status;
  r.error_code = event.error_code;
  r.error_detail = event.error_detail;
  r.at_ms = now_ms;
  r.next_attempt_ms = now_ms;
  if (auto ok = writes.enqueue(r); !ok) return unexpected(ok.error());
  return true;
}

}  // namespace diskret::inbound
