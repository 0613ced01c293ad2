// MoIntake: storing MOs (step 1) and the intake thread's loop.
#include "inbound/mo_intake.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/thread_name.hpp"
#include "inbound/inbound_number.hpp"
#include "phone/phone_number.hpp"

namespace diskret::inbound {

MoIntake::MoIntake(MoIntakeDeps deps, MoIntakeConfig config)
    : d_(deps),
      config_(std::move(config)),
      policy_(deps.clock, config_.reply_rules),
      ids_(deps.clock) {}

MoIntake::~MoIntake() { stop(); }

std::string MoIntake::reply_key(std::uint64_t inbound_id) {
  return "diskret:keyword-reply:" + pipeline::format_message_id(pipeline::MessageId{inbound_id});
}

Expected<void> MoIntake::start() {
  auto max = d_.inbound.max_inbound_id();
  if (!max) return unexpected(max.error());
  ids_.advance_past(*max);
  // A crash may have come between storing an MO and applying its keyword: apply it now.
  auto open_rows = d_.inbound.unhandled_inbound(100'000);
  if (!open_rows) return unexpected(open_rows.error());
  for (auto& r : *open_rows) {
    auto plain = open(r);
    if (!plain) {
      spdlog::warn("inbound: keyword of inbound message {} cannot be applied: {}",
                   pipeline::format_message_id(pipeline::MessageId{r.id}), plain.error().message());
      continue;
    }
    pending_.push_back({std::move(r), std::move(*plain)});
  }
  std::lock_guard lock(mutex_);
  if (running_) return {};
  running_ = true;
  stopping_ = false;
  retry_replies_ = true;  // replies a crash left unaccepted
  idle_ = false;
  thread_ = core::named_thread("mo-intake", [this] { run(); });
  return {};
}

void MoIntake::stop() {
  std::deque<Arrival> left;
  {
    std::lock_guard lock(mutex_);
    if (!running_) return;
    stopping_ = true;
    cv_.notify_all();
  }
  thread_.join();
  {
    std::lock_guard lock(mutex_);
    running_ = false;
    left.swap(arrivals_);
    idle_ = true;
    idle_cv_.notify_all();
  }
  for (auto& a : left) a.ack(false);
}

void MoIntake::submit(carrier::Inbound&& inbound, carrier::Ack ack) {
  {
    std::lock_guard lock(mutex_);
    if (running_ && !stopping_) {
      ++stats_.received;
      arrivals_.push_back({std::move(inbound), std::move(ack)});
      idle_ = false;
      cv_.notify_one();
      return;
    }
  }
  ack(false);  // not running: the SMSC delivers it again later
}

MoIntakeStats MoIntake::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

bool MoIntake::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_cv_.wait_for(lock, timeout, [&] { return idle_; });
}

void MoIntake::run() {
  for (;;) {
    std::vector<Arrival> batch;
    std::vector<std::uint64_t> accepted;
    bool resume = false;
    {
      std::unique_lock lock(mutex_);
      using SteadyClock = std::chrono::steady_clock;
      const auto has_work = [&] {
        const auto now = SteadyClock::now();
        return stopping_ || !arrivals_.empty() || !accepted_.empty() ||
               (!pending_.empty() && now >= retry_at_) ||
               (retry_replies_ && now >= reply_retry_at_);
      };
      if (!has_work()) {
        idle_ = pending_.empty() && !retry_replies_ && replies_in_flight_.empty();
        if (idle_) idle_cv_.notify_all();
        auto until = SteadyClock::time_point::max();
        if (!pending_.empty()) until = retry_at_;
        if (retry_replies_) until = std::min(until, reply_retry_at_);
        if (until == SteadyClock::time_point::max()) {
          cv_.wait(lock, has_work);
        } else {
          cv_.wait_until(lock, until, has_work);
        }
      }
      if (stopping_) return;
      idle_ = false;
      while (!arrivals_.empty() && batch.size() < config_.max_batch) {
        batch.push_back(std::move(arrivals_.front()));
        arrivals_.pop_front();
      }
      accepted.swap(accepted_);
      if (retry_replies_ && SteadyClock::now() >= reply_retry_at_) {
        resume = true;
        retry_replies_ = false;
      }
    }
    if (!batch.empty()) store_batch(batch);
    if (!accepted.empty()) mark_accepted(accepted);
    while (!pending_.empty() && std::chrono::steady_clock::now() >= retry_at_) {
      if (!handle(pending_.front())) {
        retry_at_ = std::chrono::steady_clock::now() + config_.retry_after;
        break;
      }
      pending_.pop_front();
    }
    if (resume) resume_replies();
  }
}

void MoIntake::store_batch(std::vector<Arrival>& batch) {
  const std::int64_t now_ms = d_.clock.now_ms();
  std::vector<Pending> fresh;
  bool queued = false;
  std::size_t stored = 0, unassigned = 0;
  auto tx = d_.store.begin();
  Expected<void> ok = tx ? Expected<void>{} : unexpected(tx.error());
  if (ok) {
    auto writes = d_.inbound.writes(**tx);
    auto hooks = d_.webhooks.writes(**tx);
    for (auto& a : batch) {
      auto one = store_one(**tx, *writes, *hooks, a, now_ms, fresh, queued);
      if (!one) {
        ok = unexpected(one.error());
        break;
      }
      ++(*one ? stored : unassigned);
    }
    if (ok) ok = (*tx)->commit();
    // Settle new subject keys while this transaction still holds the write lock.
    if (ok) {
      d_.keys.publish_new_subjects();
    } else {
      d_.keys.discard_new_subjects();
    }
    tx->reset();
  }
  if (!ok) {
    spdlog::warn("inbound: storing {} MO message(s) failed, the SMSC will send them again: {}",
                 batch.size(), ok.error().message());
  }
  for (auto& a : batch) a.ack(static_cast<bool>(ok));
  if (!ok) return;
  if (forward_) {
    for (const auto& p : fresh) forward_(p.record.tenant_id, p.plain.from, p.record.number, p.plain.text);
  }
  for (auto& p : fresh) {
    if (!p.record.handled) pending_.push_back(std::move(p));
  }
  {
    std::lock_guard lock(mutex_);
    stats_.stored += stored;
    stats_.unassigned += unassigned;
  }
  if (queued) d_.queue.queued();
}

Expected<bool> MoIntake::store_one(store::WriteTransaction& tx, store::InboundWrites& writes,
                                   store::WebhookWrites& hooks, Arrival& a, std::int64_t now_ms,
                                   std::vector<Pending>& fresh, bool& queued) {
  const carrier::Inbound& in = a.inbound;
  std::optional<store::InboundNumberRecord> number;
  if (auto key = mo_address_key(in.to, config_.default_region)) {
    auto found = d_.inbound.number(*key);
    if (!found) return unexpected(found.error());
    number = std::move(*found);
  }
  if (!number) {
    spdlog::info("inbound: MO from {} to {} dropped: no tenant has this number",
                 phone::PhoneNumber::mask_e164(in.from), phone::PhoneNumber::mask_e164(in.to));
    return false;
  }
  const std::uint64_t tenant = number->tenant_id;
  auto info = d_.settings.get(tenant);
  if (!info) return unexpected(info.error());
  auto tenant_keys = d_.keys.tenant(tenant);
  if (!tenant_keys) return unexpected(tenant_keys.error());

  const auto sender = mo_sender_e164(in.from, (*info)->region);
  ids_.set_slot(d_.pipeline.id_slot());
  const std::uint64_t id = ids_.next(1).front().value;
  store::InboundMessageRecord r;
  r.id = id;
  r.tenant_id = tenant;
  r.number = number->number;
  r.carrier = in.carrier;
  r.received_at_ms = now_ms;
  MoPlain plain{sender.value_or(in.from), in.text};
  if (sender) {
    auto subject = d_.keys.subject_for_write(tx, tenant, **tenant_keys, *sender, now_ms);
    if (!subject) return unexpected(subject.error());
    r.subject_id = subject->subject_id;
    r.payload = seal_mo(subject->key, tenant, id, plain);
  } else {
    r.payload = seal_mo((*tenant_keys)->data_key, tenant, id, plain);
  }
  const auto match = (*info)->settings.matcher.match(in.text);
  if (match) r.keyword = static_cast<std::uint8_t>(match->kind);
  // Keywords act on a phone number; from anything else there is nothing to do.
  r.handled = !(match && sender);
  if (auto ok = writes.insert_inbound(r); !ok) return unexpected(ok.error());
  auto event = d_.queue.enqueue(hooks, {tenant, store::webhook_event::kInbound, id}, now_ms);
  if (!event) return unexpected(event.error());
  queued = queued || *event;
  fresh.push_back({std::move(r), std::move(plain)});  // handled ones only to be forwarded
  return true;
}

Expected<MoPlain> MoIntake::open(const store::InboundMessageRecord& r) {
  if (r.subject_id) {
    auto key = d_.keys.subject_key(r.tenant_id, *r.subject_id);
    if (!key) return unexpected(key.error());
    return open_mo(*key, r.tenant_id, r.id, r.payload);
  }
  auto keys = d_.keys.tenant(r.tenant_id);
  if (!keys) return unexpected(keys.error());
  return open_mo((*keys)->data_key, r.tenant_id, r.id, r.payload);
}

}  // namespace diskret::inbound
