#pragma once
/// The retention job: enforces each tenant's retention periods (retention.hpp) on stored
/// messages and received messages, on a background thread every few minutes. It walks
/// each table once per stage in id (= time) order, remembering where it stopped, and keeps
/// the few rows it had to pass while they were still on their way in a pending list.
/// Observable in /metrics (metrics_text()).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "privacy/erasure.hpp"
#include "privacy/retention.hpp"

namespace diskret::privacy {

struct RetentionCounts {
  std::uint64_t message_texts = 0;
  std::uint64_t message_numbers = 0;
  std::uint64_t inbound_texts = 0;
  std::uint64_t inbound_numbers = 0;
  std::uint64_t total() const { return message_texts + message_numbers + inbound_texts + inbound_numbers; }
  RetentionCounts& operator+=(const RetentionCounts& o);
};

/// Counters for /metrics; shared by the job's thread and the metrics handler.
struct RetentionMetrics {
  std::atomic<std::uint64_t> runs_ok{0};
  std::atomic<std::uint64_t> runs_failed{0};
  std::atomic<std::uint64_t> message_texts{0};
  std::atomic<std::uint64_t> message_numbers{0};
  std::atomic<std::uint64_t> inbound_texts{0};
  std::atomic<std::uint64_t> inbound_numbers{0};
  std::atomic<std::int64_t> last_success_ms{0};

  /// diskret_retention_runs_total{result}, diskret_retention_rows_scrubbed_total{kind},
  /// diskret_retention_last_success_timestamp_seconds (Prometheus text format).
  std::string prometheus() const;
};

class RetentionJob {
 public:
  RetentionJob(PrivacyContext context, RetentionMetrics& metrics, std::size_t batch = 500)
      : c_(context), metrics_(metrics), batch_(batch) {}
  ~RetentionJob() { stop(); }

  /// One pass over every tenant; updates the metrics. Stops at the first storage error.
  Expected<RetentionCounts> run_once();
  Expected<RetentionCounts> run_tenant(std::uint64_t tenant);

  /// Runs run_once() now and then every `interval` on a thread of its own.
  void start(std::chrono::milliseconds interval);
  void stop();

 private:
  enum class Stage : std::uint8_t { message_text, message_numbers, inbound_text, inbound_numbers };
  Expected<void> walk(std::uint64_t tenant, Stage stage, const RetentionCutoffs& cutoffs,
                      RetentionCounts& counts);
  Expected<void> revisit(std::uint64_t tenant, Stage stage, const RetentionCutoffs& cutoffs,
                         RetentionCounts& counts);
  /// Applies the rule to one row in `tx`; true when the stage is done with it.
  Expected<bool> apply(store::WriteTransaction& tx, const store::PrivacyRow& row, Stage stage,
                       const RetentionCutoffs& cutoffs, RetentionCounts& counts);

  PrivacyContext c_;
  RetentionMetrics& metrics_;
  std::size_t batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace diskret::privacy
