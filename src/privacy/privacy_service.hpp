#pragma once
/// PrivacyService: what `diskret serve` runs for the privacy operations. At start it chains
/// audit rows written without the chain and re-applies erasures the key store has and
/// diskret.db has not (a restore); then, on one background thread, it drops from memory the
/// keys that other processes destroyed (`diskret privacy erase|offboard` while the server
/// runs), copies new audit checkpoints into the key store, and runs the retention job. At
/// stop it signs the head of every audit chain.
#include <chrono>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "audit/audit_queue.hpp"
#include "privacy/erasure.hpp"
#include "privacy/exporter.hpp"
#include "privacy/retention_job.hpp"

namespace diskret::privacy {

struct PrivacyServiceOptions {
  std::chrono::milliseconds watch_interval{1'000};
  std::chrono::milliseconds anchor_interval{60'000};
  std::chrono::milliseconds retention_interval{600'000};
  /// The whole audit trail is verified this often (the first time shortly after start);
  /// the result is the gauge diskret_audit_chain_ok.
  std::chrono::milliseconds verify_interval{3'600'000};
  std::chrono::milliseconds first_verify_after{10'000};
};

class PrivacyService {
 public:
  PrivacyService(PrivacyContext context, PrivacyServiceOptions options = {});
  /// Entries recorded off the request path (reads of personal data); flushed every round.
  audit::AuditQueue& audit_queue() { return audit_queue_; }
  ~PrivacyService();

  /// Adopts unchained audit rows and re-applies pending erasures; call before serving.
  Expected<void> prepare();
  void start();
  /// Stops the thread and checkpoints every audit chain.
  void stop();

  /// Forgets keys destroyed by other processes since the last call; returns how many
  /// erasures and offboardings it saw.
  Expected<std::size_t> watch_once();

  Eraser& eraser() { return eraser_; }
  Exporter& exporter() { return exporter_; }
  RetentionJob& retention() { return retention_; }
  /// Prometheus text: the retention job's counters and the last audit verification.
  std::string metrics_text() const;
  /// Verifies every audit chain now; a newly found break is itself audited.
  Expected<audit::VerifyReport> verify_audit();

 private:
  void loop();

  PrivacyContext c_;
  PrivacyServiceOptions options_;
  RetentionMetrics retention_metrics_;
  Eraser eraser_;
  Exporter exporter_;
  RetentionJob retention_;
  audit::AuditQueue audit_queue_;
  // Last verification: -1 not yet, 0 broken, 1 intact; and when (Unix seconds).
  std::atomic<int> audit_ok_{-1};
  std::atomic<std::int64_t> audit_verified_at_{0};
  std::uint64_t erasures_seen_ = 0;
  std::size_t offboardings_seen_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool stopped_ = true;
  std::thread thread_;
};

}  // namespace diskret::privacy
