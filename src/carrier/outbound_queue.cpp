#include "carrier/outbound_queue.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "carrier/submit_fields.hpp"
#include "sms/errc.hpp"
#include "sms/text.hpp"

namespace diskret::carrier {

enum class PartState : std::uint8_t { unsent, in_flight, accepted };

struct Job {
  OutboundMessage msg;
  std::string dest;       // destination_addr: E.164 digits without '+'
  std::string validity;   // absolute validity_period, or empty
  std::vector<std::string> parts;
  std::vector<std::string> ids;
  std::vector<PartState> state;
  std::uint8_t data_coding = 0;
  bool udhi = false;
  bool payload = false;
  std::int32_t carrier = -1;  // the carrier it is encoded for; -1 while parked
  std::uint16_t in_flight = 0;
  std::uint16_t accepted = 0;
  std::uint8_t transient_retries = 0;
  std::uint8_t nacks = 0;
  bool queued = false;  // referenced by parked_ or a ready queue
  bool done = false;    // outcome reported; recycled once no queue references it
  std::optional<SubmitResult> failure;
  smpp::Status fail_status = smpp::Status::ok;
  std::string fail_detail;
};

namespace {

bool expired(const Job& j, SystemTime now) {
  return j.msg.expires_at && now >= *j.msg.expires_at;
}

smpp::Status status_for(const Error& e) {
  if (e.code == sms::Errc::too_many_segments || e.code == sms::Errc::empty_text) {
    return smpp::Status::invalid_msg_length;
  }
  return smpp::Status::unknown_error;
}

}  // namespace

OutboundQueue::OutboundQueue(const std::vector<CarrierConfig>& carriers, OutcomeSink sink)
    : router_([&carriers] {
        std::vector<std::vector<std::string>> prefixes;
        for (const auto& c : carriers) prefixes.push_back(c.prefixes);
        return prefixes;
      }()),
      sink_(std::move(sink)) {
  for (const auto& c : carriers) {
    Carrier slot;
    slot.name = c.name;
    slot.encode.text.national_languages = c.national_languages;
    slot.encode.packing = c.gsm_packing;
    slot.encode.concatenation = c.long_messages;
    carriers_.push_back(std::move(slot));
  }
}

OutboundQueue::~OutboundQueue() = default;

Job* OutboundQueue::acquire() {
  if (free_.empty()) {
    jobs_.push_back(std::make_unique<Job>());
    return jobs_.back().get();
  }
  Job* j = free_.back();
  free_.pop_back();
  return j;
}

void OutboundQueue::recycle(Job* j) {
  // Keep the strings' and vectors' capacity: the next message reuses them.
  j->parts.clear();
  j->ids.clear();
  j->state.clear();
  j->carrier = -1;
  j->in_flight = j->accepted = 0;
  j->transient_retries = j->nacks = 0;
  j->queued = j->done = false;
  j->failure.reset();
  j->fail_status = smpp::Status::ok;
  j->fail_detail.clear();
  free_.push_back(j);
}

void OutboundQueue::add(OutboundMessage&& message, SystemTime now) {
  Job* j = acquire();
  ++live_;
  j->msg = std::move(message);
  j->dest.assign(e164_digits(j->msg.to_e164));
  if (j->msg.expires_at) {
    j->validity = format_absolute_time(*j->msg.expires_at);
  } else {
    j->validity.clear();
  }
  if (expired(*j, now)) return fail(j, SubmitResult::expired, smpp::Status::ok, "expired before submission");
  route(j, now);
}

void OutboundQueue::route(Job* j, SystemTime /*now*/) {
  const auto chosen = router_.choose(j->dest, [this](std::size_t c) { return carriers_[c].up; });
  if (chosen) {
    assign(j, *chosen);
    return;
  }
  if (!router_.serves(j->dest)) {
    return fail(j, SubmitResult::rejected, smpp::Status::invalid_dest_addr,
                "no carrier serves this destination");
  }
  j->carrier = -1;
  j->queued = true;
  parked_.push_back(j);
}

bool OutboundQueue::assign(Job* j, std::size_t carrier) {
  const auto& c = carriers_[carrier];
  auto options = c.encode;
  auto encoded = sms::encode(j->msg.text, options);
  if (encoded && encoded->parts.size() > 1) {
    // Only concatenated messages need a reference; encoding twice for them is cheaper
    // than an LRU update for every message.
    const std::uint32_t modulus = options.concatenation == sms::Concatenation::udh16 ? 65'536 : 256;
    options.reference = references_.next(j->dest, modulus);
    encoded = sms::encode(j->msg.text, options);
  }
  if (!encoded) {
    fail(j, SubmitResult::rejected, status_for(encoded.error()),
         fmt::format("text cannot be encoded: {}", encoded.error().message()));
    return false;
  }
  j->carrier = static_cast<std::int32_t>(carrier);
  j->parts = std::move(encoded->parts);
  j->data_coding = encoded->data_coding;
  j->udhi = encoded->udhi;
  j->payload = encoded->use_payload;
  j->state.assign(j->parts.size(), PartState::unsent);
  j->ids.assign(j->parts.size(), std::string{});
  j->in_flight = j->accepted = 0;
  push_back(j);
  return true;
}

void OutboundQueue::push_front(Job* j) {
  if (j->queued) return;
  j->queued = true;
  if (j->carrier < 0) {
    parked_.push_front(j);
  } else {
    carriers_[j->carrier].ready.push_front(j);
  }
}

void OutboundQueue::push_back(Job* j) {
  if (j->queued) return;
  j->queued = true;
  if (j->carrier < 0) {
    parked_.push_back(j);
  } else {
    carriers_[j->carrier].ready.push_back(j);
  }
}

void OutboundQueue::set_carrier_up(std::size_t carrier, bool up, SystemTime now) {
  carriers_[carrier].up = up;
  if (up) {
    std::deque<Job*> still;
    while (!parked_.empty()) {
      Job* j = parked_.front();
      parked_.pop_front();
      j->queued = false;
      if (j->done) {
        recycle(j);
      } else if (j->failure) {
        maybe_finish(j);
      } else if (auto to = router_.choose(j->dest, [this](std::size_t c) { return carriers_[c].up; })) {
        assign(j, *to);
      } else {
        j->queued = true;
        still.push_back(j);
      }
    }
    parked_.swap(still);
    return;
  }
  auto queue = std::move(carriers_[carrier].ready);
  carriers_[carrier].ready.clear();
  for (Job* j : queue) {
    j->queued = false;
    if (j->done) {
      recycle(j);
    } else if (j->failure) {
      maybe_finish(j);
    } else if (j->accepted == 0 && j->in_flight == 0) {
      route(j, now);  // fail over, or park until some route binds
    } else {
      push_back(j);   // part of it went to this carrier: the rest must follow there
    }
  }
}

std::optional<Ticket> OutboundQueue::next(std::size_t carrier, smpp::SubmitSm& out, SystemTime now) {
  auto& q = carriers_[carrier].ready;
  while (!q.empty()) {
    Job* j = q.front();
    if (!j->done && !j->failure && expired(*j, now)) {
      fail(j, SubmitResult::expired, smpp::Status::ok, "expired before the carrier accepted it");
    }
    if (j->done || j->failure) {
      q.pop_front();
      j->queued = false;
      if (j->done) recycle(j);  // else it finishes when its last part in flight is answered
      continue;
    }
    const auto n = static_cast<std::uint32_t>(j->state.size());
    std::uint32_t p = 0;
    while (p < n && j->state[p] != PartState::unsent) ++p;
    std::uint32_t later = p + 1;
    while (later < n && j->state[later] != PartState::unsent) ++later;
    if (later >= n) {  // nothing else of it left to send: it leaves the queue
      q.pop_front();
      j->queued = false;
    }
    if (p >= n) continue;
    j->state[p] = PartState::in_flight;
    ++j->in_flight;
    fill(*j, p, out);
    return Ticket{j, p};
  }
  return std::nullopt;
}

void OutboundQueue::fill(const Job& j, std::uint32_t part, smpp::SubmitSm& out) {
  out.service_type.clear();
  out.source_addr_ton = j.msg.from.ton;
  out.source_addr_npi = j.msg.from.npi;
  out.source_addr = j.msg.from.value;
  out.dest_addr_ton = 1;
  out.dest_addr_npi = 1;
  out.destination_addr = j.dest;
  out.esm_class = j.udhi ? smpp::esm::udhi : 0;
  out.protocol_id = 0;
  out.priority_flag = 0;
  out.schedule_delivery_time.clear();
  out.validity_period = j.validity;
  out.registered_delivery = j.msg.want_receipt ? 1 : 0;
  out.replace_if_present_flag = 0;
  out.data_coding = j.data_coding;
  out.sm_default_msg_id = 0;
  if (j.payload) {
    out.short_message.clear();
    out.tlvs.message_payload = j.parts[part];
  } else {
    out.short_message = j.parts[part];
    out.tlvs.message_payload.reset();
  }
}

void OutboundQueue::accepted(Ticket t, std::string_view carrier_message_id) {
  Job* j = t.job;
  if (j->state[t.part] != PartState::in_flight) return;
  j->state[t.part] = PartState::accepted;
  j->ids[t.part].assign(carrier_message_id);
  --j->in_flight;
  ++j->accepted;
  maybe_finish(j);
}

Verdict OutboundQueue::rejected(Ticket t, smpp::Status status) {
  Job* j = t.job;
  if (j->state[t.part] != PartState::in_flight) return Verdict::done;
  j->state[t.part] = PartState::unsent;
  --j->in_flight;
  if (j->failure) {
    maybe_finish(j);
    return Verdict::done;
  }
  if (status == smpp::Status::throttled || status == smpp::Status::message_queue_full) {
    push_front(j);
    return Verdict::pause_bind;
  }
  if (smpp::is_transient(status) && j->transient_retries < kMaxTransientRetries) {
    ++j->transient_retries;
    push_back(j);
    return Verdict::retry;
  }
  fail(j, SubmitResult::rejected, status,
       fmt::format("carrier answered {}", smpp::status_name(status)));
  return Verdict::done;
}

Verdict OutboundQueue::nacked(Ticket t, smpp::Status status) {
  Job* j = t.job;
  if (j->state[t.part] != PartState::in_flight) return Verdict::done;
  j->state[t.part] = PartState::unsent;
  --j->in_flight;
  if (j->failure) {
    maybe_finish(j);
    return Verdict::done;
  }
  if (j->nacks == 0) {
    ++j->nacks;
    push_back(j);
    return Verdict::retry;
  }
  if (status == smpp::Status::ok) status = smpp::Status::unknown_error;
  fail(j, SubmitResult::rejected, status,
       fmt::format("carrier answered generic_nack {}", smpp::status_name(status)));
  return Verdict::done;
}

void OutboundQueue::lost(std::span<const Ticket> tickets) {
  // Pushing to the front in reverse keeps the original send order at the queue's head.
  for (auto it = tickets.rbegin(); it != tickets.rend(); ++it) {
    Job* j = it->job;
    if (j->state[it->part] != PartState::in_flight) continue;
    j->state[it->part] = PartState::unsent;
    --j->in_flight;
    if (j->failure) {
      maybe_finish(j);
    } else {
      push_front(j);
    }
  }
}

std::size_t OutboundQueue::expire(SystemTime now) {
  std::size_t n = 0;
  auto sweep = [&](std::deque<Job*>& q) {
    auto keep = std::remove_if(q.begin(), q.end(), [&](Job* j) {
      if (j->done) {
        j->queued = false;
        recycle(j);
        return true;
      }
      if (!j->failure && j->in_flight == 0 && expired(*j, now)) {
        j->queued = false;
        ++n;
        fail(j, SubmitResult::expired, smpp::Status::ok, "expired before the carrier accepted it");
        return true;
      }
      return false;
    });
    q.erase(keep, q.end());
  };
  sweep(parked_);
  for (auto& c : carriers_) sweep(c.ready);
  return n;
}

void OutboundQueue::fail(Job* j, SubmitResult result, smpp::Status status, std::string detail) {
  if (j->failure) return;
  j->failure = result;
  j->fail_status = status;
  j->fail_detail = std::move(detail);
  maybe_finish(j);
}

void OutboundQueue::maybe_finish(Job* j) {
  if (j->done || j->in_flight > 0) return;
  if (!j->failure && (j->parts.empty() || j->accepted < j->parts.size())) return;
  SubmitOutcome out;
  out.message_id = j->msg.message_id;
  if (j->carrier >= 0) out.carrier = carriers_[j->carrier].name;
  if (!j->failure) {
    out.result = SubmitResult::accepted;
    out.carrier_ids = std::move(j->ids);
  } else {
    out.result = *j->failure;
    out.status = j->fail_status;
    out.detail = std::move(j->fail_detail);
    for (std::size_t i = 0; i < j->state.size(); ++i) {
      if (j->state[i] == PartState::accepted) out.carrier_ids.push_back(std::move(j->ids[i]));
    }
  }
  j->done = true;
  --live_;
  if (!j->queued) recycle(j);
  sink_(std::move(out));
}

}  // namespace diskret::carrier
