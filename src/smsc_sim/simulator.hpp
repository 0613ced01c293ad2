#pragma once
/// Simulator: diskret-smsc, an SMSC (SMPP 3.4 server) for demos, tests and benchmarks.
/// It acknowledges submits, sends delivery receipts, injects MOs and faults, logs every
/// submit as a JSON line and answers a small HTTP control endpoint:
///   GET /stats, POST /mo {"from","to","text"[,"system_id"]}, POST /fault (JSON, form or
///   query: throttle_ratio, drop_every, latency_ms, jitter_ms, dlr_delay_ms,
///   dlr_fail_ratio, refuse_binds_ms, reject_prefix, redeliver_ms), POST /reset,
///   POST /kick, POST /flush.
/// Everything runs on one I/O thread.
#include <cstdint>
#include <memory>

#include "core/clock.hpp"
#include "smsc_sim/config.hpp"

namespace diskret::smsc_sim {

enum class HandleSignals : bool { no, yes };

class Simulator {
 public:
  explicit Simulator(SimulatorConfig config, const Clock& clock = SystemClock::instance());
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  /// Opens the log and binds both listeners (port 0 picks a free port). Throws
  /// std::runtime_error with one sentence when that fails. Called by start()/run().
  void bind();
  /// Runs the simulator on a background thread (in-process tests).
  void start();
  /// Runs on the calling thread until stop(), or SIGINT/SIGTERM when asked to handle
  /// signals (SIGUSR1 then prints the stats on stderr). Flushes the log before returning.
  void run(HandleSignals signals);
  /// Closes every connection, flushes the log and ends run()/the background thread.
  /// Safe from any thread; idempotent.
  void stop();

  std::uint16_t port() const noexcept;
  std::uint16_t control_port() const noexcept;  ///< 0 when the control endpoint is off

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace diskret::smsc_sim
