#include "smpp_server/status_tee.hpp"

namespace diskret::smpp_server {

Expected<void> StatusTee::write_status_events(store::WriteTransaction& tx,
                                              std::span<const pipeline::StatusEvent> events,
                                              std::int64_t now_ms) {
  if (inner_) {
    if (auto ok = inner_->write_status_events(tx, events, now_ms); !ok) return ok;
  }
  if (receipts_) return receipts_->write(tx, events, now_ms);
  return {};
}

// Receipts go out only for what is durable: the pipeline calls this after the sync.
void StatusTee::status_events_committed(std::span<const pipeline::StatusEvent> events) {
  if (inner_) inner_->status_events_committed(events);
  if (receipts_) {
    if (auto tenants = receipts_->committed(events); !tenants.empty()) {
      server_.notify_outbox(std::move(tenants));
    }
  }
  std::vector<SmppServer::FinalStatus> finals;
  for (const auto& e : events) {
    if (pipeline::is_final(e.status)) finals.emplace_back(e.id, e.status);
  }
  server_.notify_status(std::move(finals));
}

void StatusTee::on_inbound(carrier::Inbound&& inbound, carrier::Ack ack) {
  if (inner_) return inner_->on_inbound(std::move(inbound), std::move(ack));
  ack(true);
}

}  // namespace diskret::smpp_server
