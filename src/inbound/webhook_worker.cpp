#include "inbound/webhook_worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/thread_name.hpp"
#include "inbound/event_json.hpp"
#include "inbound/keyword_matcher.hpp"
#include "inbound/sealed_inbound.hpp"
#include "inbound/webhook_signature.hpp"
#include "pipeline/message.hpp"
#include "pipeline/sealed_fields.hpp"

namespace diskret::inbound {
namespace {

namespace ev = store::webhook_event;

std::string hex_id(std::uint64_t id) {
  return pipeline::format_message_id(pipeline::MessageId{id});
}

SystemTime at(std::int64_t ms) { return SystemTime{std::chrono::milliseconds{ms}}; }

}  // namespace

struct WebhookWorker::Request {
  WebhookTarget target;
  HeaderPairs headers;
  std::string body;
};

WebhookWorker::WebhookWorker(WebhookWorkerDeps deps, WebhookWorkerConfig config)
    : d_(deps), config_(std::move(config)), client_(config_.client) {}

WebhookWorker::~WebhookWorker() { stop(); }

Expected<void> WebhookWorker::start() {
  if (auto ok = client_.start(); !ok) return ok;
  std::lock_guard lock(mutex_);
  if (running_) return {};
  running_ = true;
  stopping_ = false;
  woken_ = true;
  idle_ = false;
  thread_ = core::named_thread("webhooks", [this] { run(); });
  return {};
}

void WebhookWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!running_) return;
    stopping_ = true;
    cv_.notify_all();
  }
  thread_.join();
  // Posts in flight end as `cancelled`: not attempts, they are made again after a start.
  client_.stop();
  std::lock_guard lock(mutex_);
  running_ = false;
  results_.clear();
  in_flight_.clear();
  idle_ = true;
  idle_cv_.notify_all();
}

void WebhookWorker::wake() {
  std::lock_guard lock(mutex_);
  woken_ = true;
  idle_ = false;
  cv_.notify_one();
}

WebhookWorkerStats WebhookWorker::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

bool WebhookWorker::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_cv_.wait_for(lock, timeout, [&] { return idle_; });
}

void WebhookWorker::run() {
  for (;;) {
    std::vector<Result> results;
    // Read before taking the lock: the database may be slow, client callbacks must not wait.
    const auto next = d_.webhooks.next_due_ms();
    {
      std::unique_lock lock(mutex_);
      const auto has_work = [&] { return stopping_ || woken_ || !results_.empty(); };
      if (!has_work()) {
        // Idle when nothing is in flight and nothing is due now (a later retry is not
        // work for now).
        const bool due = !next || (*next && **next <= d_.clock.now_ms());
        idle_ = in_flight_.empty() && !due;
        if (idle_) idle_cv_.notify_all();
        auto wait = config_.poll;
        if (next && *next) {
          wait = std::clamp(std::chrono::milliseconds{**next - d_.clock.now_ms()},
                            std::chrono::milliseconds{0}, config_.poll);
        }
        cv_.wait_for(lock, wait, has_work);
      }
      if (stopping_) return;
      woken_ = false;
      idle_ = false;
      results.swap(results_);
    }
    if (!results.empty()) record(results);
    dispatch();
  }
}

void WebhookWorker::record(std::vector<Result>& results) {
  const std::int64_t now_ms = d_.clock.now_ms();
  WebhookWorkerStats counted;
  auto tx = d_.store.begin();
  Expected<void> ok = tx ? Expected<void>{} : unexpected(tx.error());
  if (ok) {
    auto writes = d_.webhooks.writes(**tx);
    for (const Result& r : results) {
      if (r.outcome.cancelled || !ok) continue;
      store::WebhookAttemptRecord a;
      a.event_id = r.event.id;
      a.attempt = r.event.attempts + 1;
      a.tenant_id = r.event.tenant_id;
      a.at_ms = now_ms;
      a.status_code = r.outcome.status;
      a.error = r.outcome.ok() || r.outcome.status != 0 ? std::string() : r.outcome.error;
      a.duration_ms = r.outcome.duration.count();
      std::uint8_t state = ev::kDelivered;
      if (r.outcome.ok()) {
        ++counted.delivered;
      } else {
        const SystemTime first = at(r.event.first_attempt_ms.value_or(now_ms));
        if (auto next = config_.schedule.next_attempt(first, at(now_ms), a.attempt)) {
          a.next_attempt_ms =
              std::chrono::duration_cast<std::chrono::milliseconds>(next->time_since_epoch())
                  .count();
          state = ev::kPending;
          ++counted.failed_attempts;
        } else {
          state = ev::kGivenUp;
          ++counted.given_up;
        }
      }
      ok = writes->record_attempt(a, state);
    }
    if (ok) ok = (*tx)->commit();
  }
  if (!ok) {
    // The events stay as they were and are sent again: at least once, never lost.
    spdlog::warn("webhooks: recording {} attempt(s) failed: {}", results.size(),
                 ok.error().message());
  }
  std::lock_guard lock(mutex_);
  for (const Result& r : results) in_flight_.erase(r.event.id);
  if (ok) {
    stats_.delivered += counted.delivered;
    stats_.failed_attempts += counted.failed_attempts;
    stats_.given_up += counted.given_up;
  }
}

void WebhookWorker::dispatch() {
  std::vector<std::uint64_t> skip;
  std::map<std::uint64_t, std::size_t> per_tenant;
  std::size_t free = 0;
  {
    std::lock_guard lock(mutex_);
    if (in_flight_.size() >= config_.max_in_flight) return;
    free = config_.max_in_flight - in_flight_.size();
    for (const auto& [id, tenant] : in_flight_) {
      skip.push_back(id);
      ++per_tenant[tenant];
    }
  }
  // Read more than fits, so that events of a tenant at its limit do not block the others.
  auto due = d_.webhooks.due_events(d_.clock.now_ms(), free * 4, skip);
  if (!due) {
    spdlog::warn("webhooks: reading the queue failed: {}", due.error().message());
    return;
  }
  std::vector<std::uint64_t> dropped;
  for (const store::WebhookEventRecord& e : *due) {
    if (free == 0) break;
    if (per_tenant[e.tenant_id] >= config_.max_per_tenant) continue;
    auto request = build(e);
    if (!request) continue;  // unreadable now (database): stays due, tried next round
    if (!*request) {
      dropped.push_back(e.id);
      continue;
    }
    --free;
    ++per_tenant[e.tenant_id];
    {
      std::lock_guard lock(mutex_);
      in_flight_[e.id] = e.tenant_id;
    }
    client_.post(std::move((*request)->target), std::move((*request)->headers),
                 std::move((*request)->body), [this, e](PostOutcome out) {
                   std::lock_guard lock(mutex_);
                   results_.push_back({e, std::move(out)});
                   cv_.notify_one();
                 });
  }
  if (!dropped.empty()) drop(dropped);
}

Expected<std::optional<WebhookWorker::Request>> WebhookWorker::build(
    const store::WebhookEventRecord& e) {
  using Nothing = std::optional<Request>;
  auto hook = d_.webhooks.webhook(e.tenant_id);
  if (!hook) return unexpected(hook.error());
  if (!*hook) return Nothing{};
  auto keys = d_.keys.tenant(e.tenant_id);
  if (!keys) return unexpected(keys.error());
  auto secret = open_webhook_secret((*keys)->data_key, e.tenant_id, (*hook)->secret);
  if (!secret) return Nothing{};
  auto target = parse_webhook_url((*hook)->url, config_.client.private_hosts);
  if (!target) return Nothing{};

  std::string body;
  std::string_view type;
  if (e.type == ev::kStatus) {
    auto m = d_.store.message(e.tenant_id, e.ref_id);
    if (!m) return unexpected(m.error());
    if (!*m) return Nothing{};
    auto payload = pipeline::open_payload(d_.keys, **m);
    if (!payload && !pipeline::payload_gone(payload.error())) {
      return unexpected(payload.error());  // the key store is away: tried again later
    }
    if (!payload) return Nothing{};  // erased: nothing personal is sent any more
    const auto status = static_cast<pipeline::MessageStatus>(e.status);
    StatusEvent s{hex_id(e.ref_id), pipeline::status_name(status), payload->to, std::nullopt,
                  at(e.at_ms)};
    if (!e.error_code.empty()) s.error = EventError{e.error_code, e.error_detail};
    body = to_json(s);
    type = kStatusEvent;
  } else if (e.type == ev::kInbound) {
    auto row = d_.inbound.inbound(e.tenant_id, e.ref_id);
    if (!row) return unexpected(row.error());
    if (!*row) return Nothing{};
    Expected<crypto::SecretKey> key = (*row)->subject_id
                                          ? d_.keys.subject_key(e.tenant_id, *(*row)->subject_id)
                                          : Expected<crypto::SecretKey>((*keys)->data_key);
    if (!key && !pipeline::payload_gone(key.error())) {
      return unexpected(key.error());  // the key store is away: tried again later
    }
    if (!key) return Nothing{};  // erased or damaged
    auto plain = open_mo(*key, e.tenant_id, e.ref_id, (*row)->payload);
    if (!plain) return Nothing{};
    InboundEvent i{hex_id(e.ref_id),           plain->from, (*row)->number, plain->text,
                   at((*row)->received_at_ms), std::nullopt};
    if ((*row)->keyword) i.keyword = keyword_kind_name(static_cast<KeywordKind>(*(*row)->keyword));
    body = to_json(i);
    type = kInboundEvent;
  } else if (e.type == ev::kAlert) {
    store::SecurityStore* alerts = alerts_.load();
    if (alerts == nullptr) return Nothing{};
    // The tenant's alerts and the platform's, newest first: the one with this id, if any.
    auto rows = alerts->alerts(e.tenant_id, e.ref_id + 1, 1);
    if (!rows) return unexpected(rows.error());
    if (rows->empty() || rows->front().id != e.ref_id) return Nothing{};
    const store::AlertRecord& a = rows->front();
    body = to_json(AlertEvent{a.id, a.kind, a.severity, a.details, a.tenant_id, at(a.at_ms)});
    type = kAlertEvent;
  } else {
    return Nothing{};
  }
  const std::int64_t unix_seconds = d_.clock.now_ms() / 1000;
  HeaderPairs headers{
      {std::string(kSignatureHeader), sign_webhook(*secret, unix_seconds, body)},
      {"Diskret-Event-Id", hex_id(e.id)},
      {"Diskret-Event", std::string(type)},
      {"Diskret-Delivery-Attempt", std::to_string(e.attempts + 1)},
  };
  return Request{std::move(*target), std::move(headers), std::move(body)};
}

void WebhookWorker::drop(std::vector<std::uint64_t>& ids) {
  const std::int64_t now_ms = d_.clock.now_ms();
  auto tx = d_.store.begin();
  if (!tx) return;
  auto writes = d_.webhooks.writes(**tx);
  for (std::uint64_t id : ids) {
    if (!writes->finish_event(id, ev::kDropped, now_ms)) return;
  }
  if (!(*tx)->commit()) return;
  std::lock_guard lock(mutex_);
  stats_.dropped += ids.size();
}

}  // namespace diskret::inbound
