#pragma once
/// The simulator's behaviours, each named for what it does to the ESME, and FaultPlan,
/// which composes them into one verdict per submit_sm. With default settings the plan is
/// "happy": every bind with good credentials succeeds and every submit is accepted at once.
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/expected.hpp"
#include "smsc_sim/config.hpp"
#include "smsc_sim/even_spread.hpp"

namespace diskret::smsc_sim {

using SteadyTime = std::chrono::steady_clock::time_point;

/// What happens to one submit_sm.
enum class Verdict : std::uint8_t {
  accept,              ///< submit_sm_resp 0 with a message id
  throttle,            ///< ESME_RTHROTTLED
  reject_destination,  ///< ESME_RINVDSTADR (permanent)
  drop,                ///< no response; the connection is reset
};
const char* verdict_name(Verdict v) noexcept;

/// Answers a share of submits with ESME_RTHROTTLED, spread evenly over all sessions.
class Throttling {
 public:
  explicit Throttling(double ratio = 0) : spread_(ratio) {}
  bool throttles() noexcept { return spread_.next(); }
  double ratio() const noexcept { return spread_.ratio(); }

 private:
  EvenSpread spread_;
};

/// Drops the N-th, 2N-th, ... submit of each connection (then the connection is reset).
class Dropping {
 public:
  explicit Dropping(std::uint64_t every = 0) : every_(every) {}
  /// nth: 1-based count of submits on this connection, including this one.
  bool drops(std::uint64_t nth) const noexcept { return every_ != 0 && nth % every_ == 0; }

 private:
  std::uint64_t every_;
};

/// Refuses destinations that start with a prefix (for permanent-error tests).
class DestinationRejecting {
 public:
  explicit DestinationRejecting(std::string prefix = {}) : prefix_(std::move(prefix)) {}
  bool rejects(std::string_view destination) const noexcept {
    return !prefix_.empty() && destination.starts_with(prefix_);
  }

 private:
  std::string prefix_;
};

/// Delays every submit_sm_resp by latency + random [0, jitter).
class SlowAck {
 public:
  SlowAck(std::uint32_t latency_ms = 0, std::uint32_t jitter_ms = 0)
      : latency_ms_(latency_ms), jitter_ms_(jitter_ms) {}
  bool slow() const noexcept { return latency_ms_ != 0 || jitter_ms_ != 0; }
  std::chrono::milliseconds delay(std::minstd_rand& rng) const;

 private:
  std::uint32_t latency_ms_;
  std::uint32_t jitter_ms_;
};

/// Fails a share of delivery receipts (stat:UNDELIV err:001), spread evenly.
class ReceiptFailing {
 public:
  explicit ReceiptFailing(double ratio = 0) : spread_(ratio) {}
  bool fails() noexcept { return spread_.next(); }

 private:
  EvenSpread spread_;
};

enum class RestartRefusal : bool { no, yes };

/// All behaviours together, driven by FaultSettings.
class FaultPlan {
 public:
  explicit FaultPlan(const FaultSettings& settings = {}, SteadyTime now = SteadyTime{});

  /// Replaces the settings. A ratio that did not change keeps its spread going; the
  /// bind refusal window restarts (from `now`) only when asked to.
  void apply(const FaultSettings& settings, SteadyTime now, RestartRefusal restart);

  /// nth_on_connection: 1-based count of submits on the submitting connection.
  Verdict judge_submit(std::string_view destination, std::uint64_t nth_on_connection);
  /// For a submit that asked for a receipt: does its receipt report failure?
  bool receipt_fails() noexcept { return receipt_failing_.fails(); }
  bool slow_ack() const noexcept { return slow_ack_.slow(); }
  std::chrono::milliseconds ack_delay() { return slow_ack_.delay(rng_); }
  bool refuses_bind(SteadyTime now) const noexcept { return now < refuse_until_; }
  std::chrono::milliseconds refusal_remaining(SteadyTime now) const noexcept;

  const FaultSettings& settings() const noexcept { return settings_; }

 private:
  FaultSettings settings_;
  Throttling throttling_;
  Dropping dropping_;
  DestinationRejecting rejecting_;
  SlowAck slow_ack_;
  ReceiptFailing receipt_failing_;
  SteadyTime refuse_until_{};
  std::minstd_rand rng_{0x5eed};
};

/// Fault parameters as received by the control endpoint (query, form or JSON), e.g.
/// {"throttle_ratio","0.1"}. Accepts the npm simulator's names too (throttle,
/// throttle_rate, dlr_undeliv_rate). Unknown names and bad values are errors.
struct FaultUpdate {
  FaultSettings settings;
  RestartRefusal restart_refusal = RestartRefusal::no;
};
using Params = std::vector<std::pair<std::string, std::string>>;
Expected<FaultUpdate> parse_fault_params(FaultSettings current, const Params& params);

}  // namespace diskret::smsc_sim
