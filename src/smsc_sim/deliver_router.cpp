#include "smsc_sim/deliver_router.hpp"

#include <algorithm>

#include "smpp/pdu_codec.hpp"

namespace diskret::smsc_sim {

Outbound make_outbound(DeliverKind kind, std::string system_id, std::uint64_t origin_session,
                       const smpp::DeliverSm& pdu) {
  Outbound item{kind, std::move(system_id), origin_session, 0, {}};
  smpp::encode_to({0, 0, pdu}, item.pdu);
  return item;
}

void append_with_sequence(const Outbound& item, std::uint32_t sequence_number,
                          std::vector<std::uint8_t>& out) {
  const std::size_t at = out.size();
  out.insert(out.end(), item.pdu.begin(), item.pdu.end());
  if (item.pdu.size() < smpp::kHeaderLength) return;
  // The header's last field (octets 12..15) is the sequence number, big-endian.
  out[at + 12] = static_cast<std::uint8_t>(sequence_number >> 24);
  out[at + 13] = static_cast<std::uint8_t>(sequence_number >> 16);
  out[at + 14] = static_cast<std::uint8_t>(sequence_number >> 8);
  out[at + 15] = static_cast<std::uint8_t>(sequence_number);
}

void DeliverRouter::add_receiver(DeliverSink& sink) {
  receivers_.push_back(&sink);
  if (pending_count_ == 0) return;
  for (const std::string& key : {sink.bound_system_id(), std::string{}}) {
    auto it = pending_.find(key);
    if (it == pending_.end()) continue;
    std::deque<Outbound> queue = std::move(it->second);
    pending_.erase(it);
    pending_count_ -= queue.size();
    for (Outbound& item : queue) send(sink, std::move(item));
  }
}

void DeliverRouter::remove_receiver(const DeliverSink& sink) noexcept {
  std::erase(receivers_, &sink);
}

DeliverSink* DeliverRouter::pick(const Outbound& item) noexcept {
  if (receivers_.empty()) return nullptr;
  auto matches = [&](const DeliverSink* s) {
    return item.system_id.empty() || s->bound_system_id() == item.system_id;
  };
  if (item.origin_session != 0) {
    for (DeliverSink* s : receivers_) {
      if (s->session_id() == item.origin_session && matches(s)) return s;
    }
  }
  const std::size_t n = receivers_.size();
  for (std::size_t i = 0; i < n; ++i) {
    DeliverSink* s = receivers_[(round_robin_ + i) % n];
    if (matches(s)) {
      round_robin_ = (round_robin_ + i + 1) % n;
      return s;
    }
  }
  return nullptr;
}

void DeliverRouter::send(DeliverSink& sink, Outbound&& item) {
  ++sent_[static_cast<int>(item.kind)];
  ++item.attempts;
  sink.send_deliver(std::move(item));
}

Routed DeliverRouter::route(Outbound&& item) {
  if (DeliverSink* sink = pick(item)) {
    send(*sink, std::move(item));
    return Routed::sent;
  }
  if (pending_count_ >= max_pending_) {
    ++discarded_;
    return Routed::discarded;
  }
  pending_[item.system_id].push_back(std::move(item));
  ++pending_count_;
  return Routed::queued;
}

void DeliverRouter::reset_counters() noexcept {
  sent_[0] = sent_[1] = 0;
  discarded_ = 0;
}

}  // namespace diskret::smsc_sim
