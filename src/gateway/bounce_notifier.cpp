#include "gateway/bounce_notifier.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "phone/phone_number.hpp"
#include "smtp/bounce.hpp"

namespace diskret::gateway {
namespace {

// Which outcome the report names; delivered and other statuses bounce nothing.
const char* outcome_of(const pipeline::StatusEvent& e) {
  if (e.status == pipeline::MessageStatus::expired) return "expired";
  if (e.status != pipeline::MessageStatus::failed) return nullptr;
  if (e.error && e.error->code == "carrier_rejected") return "rejected";
  return "failed";
}

}  // namespace

BounceNotifier::BounceNotifier(BounceOptions options, SendMail send, const Clock& clock)
    : options_(std::move(options)), send_(std::move(send)), clock_(clock) {
  worker_ = std::thread([this] { run(); });
}

BounceNotifier::~BounceNotifier() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

bool BounceNotifier::wants(const std::string& tenant_public_id, std::uint64_t tenant) const {
  if (options_.tenants.contains(tenant_public_id)) return true;
  return options_.tenant_wants && options_.tenant_wants(tenant);
}

void BounceNotifier::expect(const std::vector<pipeline::MessageId>& ids,
                            const std::vector<std::string>& numbers, const std::string& sender) {
  if (sender.empty()) return;  // the null reverse-path: nobody to tell (RFC 5321 4.5.5)
  const SystemTime until = clock_.now() + options_.keep;
  std::lock_guard lock(mutex_);
  if (origins_.size() + ids.size() > options_.max_pending) forget_old(clock_.now());
  for (std::size_t i = 0; i < ids.size() && i < numbers.size(); ++i) {
    if (origins_.size() >= options_.max_pending) {
      ++stats_.forgotten;
      continue;
    }
    origins_[ids[i].value] = Origin{sender, phone::PhoneNumber::mask_e164(numbers[i]), until};
    ++stats_.expected;
  }
}

void BounceNotifier::forget_old(SystemTime now) {
  std::erase_if(origins_, [&](const auto& kv) {
    if (kv.second.until >= now) return false;
    ++stats_.forgotten;
    return true;
  });
}

void BounceNotifier::on_final(const pipeline::StatusEvent& event) {
  if (!pipeline::is_final(event.status)) return;
  std::lock_guard lock(mutex_);
  auto it = origins_.find(event.id.value);
  if (it == origins_.end()) return;
  Origin origin = std::move(it->second);
  origins_.erase(it);
  const char* outcome = outcome_of(event);
  if (outcome == nullptr) return;  // delivered: nothing to say
  smtp::Bounce b;
  b.reporting_host = options_.reporting_host;
  b.from = options_.from;
  b.to = origin.sender;
  b.masked_number = origin.masked_number;
  b.sms_domain = options_.sms_domain;
  b.message_id = pipeline::format_message_id(event.id);
  b.outcome = outcome;
  b.reason = event.error && !event.error->detail.empty() ? event.error->detail
             : std::string(outcome) == "expired"         ? "The message expired before delivery."
                                                         : "The message could not be delivered.";
  b.date = smtp::rfc5322_date(
      std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count());
  b.boundary = fmt::format("=_diskret_{}_{}", event.id.value, ++boundary_);
  jobs_.push_back(Job{origin.sender, smtp::compose_bounce(b)});
  wake_.notify_one();
}

void BounceNotifier::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, and everything queued was sent
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    auto sent = send_(job.to, job.message);
    lock.lock();
    if (sent) {
      ++stats_.sent;
    } else {
      // No retry queue: a relay that refuses now is reported; the message status itself
      // is in the API and webhooks either way.
      ++stats_.send_failures;
      spdlog::warn("smtp bounces: cannot send a bounce: {}", sent.error().message());
    }
  }
}

BounceStats BounceNotifier::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

Expected<void> BounceTee::write_status_events(store::WriteTransaction& tx,
                                              std::span<const pipeline::StatusEvent> events,
                                              std::int64_t now_ms) {
  if (inner_) return inner_->write_status_events(tx, events, now_ms);
  return {};
}

void BounceTee::status_events_committed(std::span<const pipeline::StatusEvent> events) {
  if (inner_) inner_->status_events_committed(events);
  for (const auto& e : events) {
    if (pipeline::is_final(e.status)) notifier_.on_final(e);
  }
}

void BounceTee::on_inbound(carrier::Inbound&& inbound, carrier::Ack ack) {
  if (inner_) return inner_->on_inbound(std::move(inbound), std::move(ack));
  ack(true);
}

}  // namespace diskret::gateway
