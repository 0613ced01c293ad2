#include "privacy/privacy_service.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "audit/actions.hpp"
#include "core/thread_name.hpp"

namespace diskret::privacy {

PrivacyService::PrivacyService(PrivacyContext context, PrivacyServiceOptions options)
    : c_(context), options_(options), eraser_(context), exporter_(context), retention_(context, retention_metrics_) {}

PrivacyService::~PrivacyService() { stop(); }

Expected<void> PrivacyService::prepare() {
  if (auto n = c_.audit.adopt_unchained(); !n) return unexpected(n.error());
  if (auto n = eraser_.reapply(); !n) return unexpected(n.error());
  // Start watching from the end of the log: nothing destroyed before is in memory yet.
  for (;;) {
    auto batch = c_.vault.erased_subjects(erasures_seen_, 1000);
    if (!batch) return unexpected(batch.error());
    if (batch->empty()) break;
    erasures_seen_ = batch->back().id;
  }
  auto offboarded = c_.vault.offboarded_tenants();
  if (!offboarded) return unexpected(offboarded.error());
  offboardings_seen_ = offboarded->size();
  return c_.audit.anchor();
}

Expected<std::size_t> PrivacyService::watch_once() {
  std::size_t seen = 0;
  for (;;) {
    auto batch = c_.vault.erased_subjects(erasures_seen_, 100);
    if (!batch) return unexpected(batch.error());
    if (batch->empty()) break;
    for (const auto& e : *batch) {
      c_.keys.note_erased(e.tenant_id, e.blind);  // erased by another process
      for (auto id : e.subject_ids) c_.keys.forget_subject(id);
      erasures_seen_ = e.id;
      ++seen;
    }
  }
  auto offboarded = c_.vault.offboarded_tenants();
  if (!offboarded) return unexpected(offboarded.error());
  if (offboarded->size() != offboardings_seen_) {
    for (const auto& o : *offboarded) c_.keys.forget_tenant(o.tenant_id);
    seen += offboarded->size() - offboardings_seen_;
    offboardings_seen_ = offboarded->size();
  }
  return seen;
}

std::string PrivacyService::metrics_text() const {
  std::string out = retention_metrics_.prometheus() +
         "# HELP diskret_audit_entries_dropped_total Audit entries of reads that could not be queued.\n"
         "# TYPE diskret_audit_entries_dropped_total counter\n"
         "diskret_audit_entries_dropped_total " + std::to_string(audit_queue_.dropped()) + "\n";
  if (const int ok = audit_ok_.load(); ok >= 0) {
    out += fmt::format(
        "# HELP diskret_audit_chain_ok Whether the last verification of every audit chain passed.\n"
        "# TYPE diskret_audit_chain_ok gauge\n"
        "diskret_audit_chain_ok {}\n"
        "# HELP diskret_audit_verified_timestamp_seconds When the audit trail was last verified.\n"
        "# TYPE diskret_audit_verified_timestamp_seconds gauge\n"
        "diskret_audit_verified_timestamp_seconds {}\n",
        ok, audit_verified_at_.load());
  }
  return out;
}

Expected<audit::VerifyReport> PrivacyService::verify_audit() {
  auto report = c_.audit.verify();
  if (!report) return report;
  const int was = audit_ok_.exchange(report->ok() ? 1 : 0);
  audit_verified_at_ = c_.clock.now_ms() / 1000;
  if (!report->ok() && was != 0) {
    // Like `diskret audit verify`: the finding goes into the trail (and raises the alert).
    const auto* first = report->first_break();
    spdlog::error("audit: the audit trail does not verify: {}", first->description);
    audit::AuditDraft entry;
    entry.actor = "system:audit-verifier";
    entry.action = std::string(audit::action::kAuditVerifyFailed);
    entry.object = fmt::format("audit:{}:{}", first->tenant, first->seq);
    entry.details = boost::json::serialize(boost::json::object{
        {"tenant", first->tenant}, {"seq", first->seq}, {"kind", audit::to_string(first->kind)},
        {"chains_broken", report->breaks.size()}});
    (void)c_.audit.record(entry);
  }
  return report;
}

void PrivacyService::start() {
  std::lock_guard lock(mutex_);
  if (!stopped_) return;
  stopping_ = false;
  stopped_ = false;
  thread_ = core::named_thread("privacy", [this] { loop(); });
}

void PrivacyService::loop() {
  using clock = std::chrono::steady_clock;
  auto next_anchor = clock::now() + options_.anchor_interval;
  auto next_retention = clock::now();  // a first run soon after start
  auto next_verify = clock::now() + options_.first_verify_after;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    // Failures are retried on the next round; the retention job counts its own.
    (void)watch_once();
    (void)audit_queue_.flush(c_.audit, c_.store);
    const auto now = clock::now();
    if (now >= next_anchor) {
      (void)c_.audit.anchor();
      next_anchor = now + options_.anchor_interval;
    }
    if (now >= next_retention) {
      (void)retention_.run_once();
      next_retention = clock::now() + options_.retention_interval;
    }
    if (now >= next_verify) {
      if (auto verified = verify_audit(); !verified) {
        spdlog::warn("audit: verification could not run: {}", verified.error().message());
      }
      next_verify = clock::now() + options_.verify_interval;
    }
    lock.lock();
    wake_.wait_for(lock, options_.watch_interval, [this] { return stopping_; });
  }
}

void PrivacyService::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  (void)audit_queue_.flush(c_.audit, c_.store);
  (void)c_.audit.checkpoint_all();
  std::lock_guard lock(mutex_);
  stopped_ = true;
}

}  // namespace diskret::privacy
