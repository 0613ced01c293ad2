#include "inbound/webhook_queue.hpp"

#include <vector>

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

std::uint64_t WebhookQueue::next_id() {
  if (slot_) ids_.set_slot(slot_());
  return ids_.next(1).front().value;
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
  r.id = next_id();
  r.tenant_id = event.tenant;
  r.type = event.type;
  r.ref_id = event.ref_id;
  r.status = event.status;
  r.error_code = event.error_code;
  r.error_detail = event.error_detail;
  r.at_ms = now_ms;
  r.next_attempt_ms = now_ms;
  // Another process (an admin command raising an alert) may have drawn the same
  // time-based id: draw again rather than fail the transaction the event belongs to.
  for (int attempt = 0;; ++attempt) {
    auto ok = writes.enqueue(r);
    if (ok) return true;
    if (ok.error().code != make_error_code(diskret::Errc::already_exists) || attempt == 3) {
      return unexpected(ok.error());
    }
    ids_.advance_past(r.id);
    r.id = next_id();
  }
}

Expected<std::size_t> WebhookQueue::enqueue_alert(store::WebhookWrites& writes,
                                                  std::uint64_t tenant, std::uint64_t alert_id,
                                                  std::int64_t now_ms) {
  std::vector<std::uint64_t> to;
  if (tenant != 0) {
    to.push_back(tenant);
  } else {
    std::lock_guard lock(mutex_);
    to.assign(tenants_.begin(), tenants_.end());
  }
  std::size_t queued = 0;
  for (std::uint64_t t : to) {
    QueuedEvent e;
    e.tenant = t;
    e.type = store::webhook_event::kAlert;
    e.ref_id = alert_id;
    auto ok = enqueue(writes, e, now_ms);
    if (!ok) return unexpected(ok.error());
    if (*ok) ++queued;
  }
  return queued;
}

}  // namespace diskret::inbound
