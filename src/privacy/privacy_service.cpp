#include "privacy/privacy_service.hpp"

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
  return retention_metrics_.prometheus() +
         "# HELP diskret_audit_entries_dropped_total Audit entries of reads that could not be queued.\n"
         "# TYPE diskret_audit_entries_dropped_total counter\n"
         "diskret_audit_entries_dropped_total " + std::to_string(audit_queue_.dropped()) + "\n";
}

void PrivacyService::start() {
  std::lock_guard lock(mutex_);
  if (!stopped_) return;
  stopping_ = false;
  stopped_ = false;
  thread_ = std::thread([this] { loop(); });
}

void PrivacyService::loop() {
  using clock = std::chrono::steady_clock;
  auto next_anchor = clock::now() + options_.anchor_interval;
  auto next_retention = clock::now();  // a first run soon after start
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
