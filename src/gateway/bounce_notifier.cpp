#include "gateway/bounce_notifier.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unordered_map>

#include "core/thread_name.hpp"
#include "crypto/secret_box.hpp"
#include "phone/phone_number.hpp"
#include "smtp/bounce.hpp"

namespace diskret::gateway {
namespace {

constexpr std::size_t kBatch = 100;
// Due bounces a worker took are its own this long; a node that dies leaves them to the
// others after it.
constexpr std::int64_t kClaimMs = 5 * 60 * 1000;

// Which outcome the report names; delivered and other statuses bounce nothing.
const char* outcome_of(const pipeline::StatusEvent& e) {
  if (e.status == pipeline::MessageStatus::expired) return "expired";
  if (e.status != pipeline::MessageStatus::failed) return nullptr;
  if (e.error && e.error->code == "carrier_rejected") return "rejected";
  return "failed";
}

std::string reason_of(const pipeline::StatusEvent& e, std::string_view outcome) {
  if (e.error && !e.error->detail.empty()) return e.error->detail;
  return outcome == "expired" ? "The message expired before delivery."
                              : "The message could not be delivered.";
}

std::string origin_ad(std::uint64_t tenant, std::uint64_t message_id) {
  return crypto::record_ad(tenant, "mail_bounces", message_id, "origin");
}

// The sealed origin: the mail's sender and the masked number, NUL-separated (neither
// holds a NUL: addresses are checked by the SMTP parser, masks are digits and '*').
std::string encode_origin(const std::string& sender, const std::string& masked) {
  return sender + '\0' + masked;
}

}  // namespace

BounceNotifier::BounceNotifier(BounceOptions options, SendMail send, const Clock& clock,
                               store::KeyRing& keys, store::MessageNotes& notes,
                               store::BounceStore& outbox)
    : options_(std::move(options)),
      send_(std::move(send)),
      clock_(clock),
      keys_(keys),
      notes_(notes),
      outbox_(outbox) {
  if (auto waiting = outbox_.waiting(clock_.now_ms()); waiting) {
    if (!waiting->empty()) {
      spdlog::info("smtp bounces: {} message(s) from before the restart may still bounce",
                   waiting->size());
    }
  } else {
    spdlog::warn("smtp bounces: cannot read the waiting bounces: {}", waiting.error().message());
  }
  worker_ = core::named_thread("bounces", [this] { run(); });
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

Expected<std::function<Expected<void>(store::WriteTransaction&)>> BounceNotifier::prepare(
    std::uint64_t tenant, const std::vector<pipeline::MessageId>& ids,
    const std::vector<std::string>& numbers, const std::string& sender) {
  using Writer = std::function<Expected<void>(store::WriteTransaction&)>;
  if (sender.empty() || ids.empty()) return Writer{};  // the null reverse-path (RFC 5321 4.5.5)
  auto keys = keys_.tenant(tenant);
  if (!keys) return unexpected(keys.error());
  const std::int64_t keep_until = clock_.now_ms() + std::chrono::milliseconds(options_.keep).count();
  std::vector<store::MessageNote> notes;
  for (std::size_t i = 0; i < ids.size() && i < numbers.size(); ++i) {
    store::MessageNote n;
    n.kind = store::MessageNote::Kind::mail_bounce;
    n.message_id = ids[i].value;
    n.tenant_id = tenant;
    n.keep_until = keep_until;
    n.sealed = crypto::seal((*keys)->data_key,
                            encode_origin(sender, phone::PhoneNumber::mask_e164(numbers[i])),
                            origin_ad(tenant, ids[i].value));
    notes.push_back(std::move(n));
  }
  {
    std::lock_guard lock(mutex_);
    stats_.expected += notes.size();
  }
  return Writer([this, notes = std::move(notes)](store::WriteTransaction& tx) -> Expected<void> {
    for (const auto& n : notes) {
      if (auto ok = notes_.insert(tx, n); !ok) return ok;
    }
    return {};
  });
}

Expected<void> BounceNotifier::write_final(store::WriteTransaction& tx,
                                           std::span<const pipeline::StatusEvent> events,
                                           std::int64_t now_ms) {
  std::unordered_map<std::uint64_t, const pipeline::StatusEvent*> finals;
  std::vector<std::uint64_t> ids;
  for (const auto& e : events) {
    if (pipeline::is_final(e.status) && finals.emplace(e.id.value, &e).second) {
      ids.push_back(e.id.value);
    }
  }
  // The notes are looked up in the database: the mail may have come in at another node.
  auto waiting = notes_.waiting_bounces(tx, ids);
  if (!waiting) return unexpected(waiting.error());
  for (std::uint64_t id : *waiting) {
    const pipeline::StatusEvent& e = *finals.at(id);
    std::optional<store::BounceDue> due;
    if (const char* outcome = outcome_of(e)) {
      due = store::BounceDue{outcome, reason_of(e, outcome), now_ms,
                             now_ms + std::chrono::milliseconds(options_.give_up).count()};
    }
    if (auto ok = notes_.settle_bounce(tx, id, due); !ok) return ok;
  }
  std::lock_guard lock(mutex_);
  settled_.insert(waiting->begin(), waiting->end());
  return {};
}

void BounceNotifier::committed(std::span<const pipeline::StatusEvent> events) {
  bool any = false;
  {
    std::lock_guard lock(mutex_);
    for (const auto& e : events) {
      if (pipeline::is_final(e.status)) any = settled_.erase(e.id.value) > 0 || any;
    }
    if (!any) return;
    woken_ = true;
  }
  wake_.notify_one();
}

void BounceNotifier::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    send_due();
    lock.lock();
    wake_.wait_for(lock, options_.poll, [&] { return stopping_ || woken_; });
  }
}

// Sends what is due; a refusal reschedules that bounce (doubling the wait) and ends the
// round, so a relay that is down costs one attempt per poll, not one per bounce.
void BounceNotifier::send_due() {
  const std::int64_t now = clock_.now_ms();
  if (auto forgotten = outbox_.forget_expired(now); forgotten && *forgotten > 0) {
    std::lock_guard lock(mutex_);
    stats_.forgotten += *forgotten;
  }
  auto rows = outbox_.claim_due(now, now + kClaimMs, kBatch);
  if (!rows) {
    spdlog::warn("smtp bounces: cannot read due bounces: {}", rows.error().message());
    return;
  }
  // Bounces taken but not tried when the round ends early are due again at once.
  auto give_back_from = [&](std::size_t first) {
    for (std::size_t i = first; i < rows->size(); ++i) {
      (void)outbox_.retry((*rows)[i].message_id, (*rows)[i].attempts, now);
    }
  };
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const store::BounceRow& row = (*rows)[i];
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return give_back_from(i);
    }
    if (now >= row.give_up_at) {
      spdlog::warn("smtp bounces: gave up on the bounce of message {} after {} attempt(s)",
                   pipeline::format_message_id(pipeline::MessageId{row.message_id}), row.attempts);
      (void)outbox_.remove(row.message_id);
      std::lock_guard lock(mutex_);
      ++stats_.given_up;
      continue;
    }
    auto keys = keys_.tenant(row.tenant_id);
    if (!keys && keys.error().code != make_error_code(Errc::not_found)) {
      spdlog::warn("smtp bounces: cannot read the tenant's key: {}", keys.error().message());
      return give_back_from(i);  // the key store is away: tried at the next poll
    }
    auto plain = keys ? crypto::open((*keys)->data_key, row.sealed_origin,
                                     origin_ad(row.tenant_id, row.message_id))
                      : Expected<std::string>(unexpected(keys.error()));
    const auto nul = plain ? plain->find('\0') : std::string::npos;
    if (nul == std::string::npos) {
      // A tenant offboarded (key destroyed) or a damaged row: nobody can be told.
      (void)outbox_.remove(row.message_id);
      continue;
    }
    smtp::Bounce b;
    b.reporting_host = options_.reporting_host;
    b.from = options_.from;
    b.to = plain->substr(0, nul);
    b.masked_number = plain->substr(nul + 1);
    b.sms_domain = options_.sms_domain;
    b.message_id = pipeline::format_message_id(pipeline::MessageId{row.message_id});
    b.outcome = row.outcome;
    b.reason = row.reason;
    b.date = smtp::rfc5322_date(now / 1000);
    {
      std::lock_guard lock(mutex_);
      b.boundary = fmt::format("=_diskret_{}_{}", row.message_id, ++boundary_);
    }
    auto sent = send_(b.to, smtp::compose_bounce(b));
    if (sent) {
      if (auto ok = outbox_.remove(row.message_id); !ok) {
        spdlog::warn("smtp bounces: a sent bounce stays stored: {}", ok.error().message());
      }
      std::lock_guard lock(mutex_);
      ++stats_.sent;
      continue;
    }
    const auto wait = std::min<std::int64_t>(
        options_.retry_max.count(),
        options_.retry_first.count() << std::min<std::uint32_t>(row.attempts, 20));
    spdlog::warn("smtp bounces: the relay did not take a bounce ({}); next attempt in {} s",
                 sent.error().message(), wait / 1000);
    (void)outbox_.retry(row.message_id, row.attempts + 1, now + wait);
    give_back_from(i + 1);
    std::lock_guard lock(mutex_);
    ++stats_.send_failures;
    return;
  }
}

BounceStats BounceNotifier::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

Expected<void> BounceTee::write_status_events(store::WriteTransaction& tx,
                                              std::span<const pipeline::StatusEvent> events,
                                              std::int64_t now_ms) {
  if (inner_) {
    if (auto ok = inner_->write_status_events(tx, events, now_ms); !ok) return ok;
  }
  return notifier_.write_final(tx, events, now_ms);
}

void BounceTee::status_events_committed(std::span<const pipeline::StatusEvent> events) {
  if (inner_) inner_->status_events_committed(events);
  notifier_.committed(events);
}

void BounceTee::on_inbound(carrier::Inbound&& inbound, carrier::Ack ack) {
  if (inner_) return inner_->on_inbound(std::move(inbound), std::move(ack));
  ack(true);
}

}  // namespace diskret::gateway
