#include "smpp_server/status_tee.hpp"

namespace diskret::smpp_server {

Expected<void> StatusTee::write_status_events(store::WriteTransaction& tx,
                                              std::span<const pipeline::StatusEvent> events,
                                              std::int64_t now_ms) {
  pending_.clear();
  if (inner_) {
    auto ok = inner_->write_status_events(tx, events, now_ms);
    if (!ok) return ok;
  }
  for (const auto& e : events) {
    if (pipeline::is_final(e.status)) pending_.push_back(e);
  }
  return {};
}

void StatusTee::status_events_committed() {
  if (inner_) inner_->status_events_committed();
  for (const auto& e : pending_) server_.notify_status(e.id, e.status);
  pending_.clear();
}

void StatusTee::on_inbound(carrier::Inbound&& inbound, carrier::Ack ack) {
  if (inner_) return inner_->on_inbound(std::move(inbound), std::move(ack));
  ack(true);
}

}  // namespace diskret::smpp_server
