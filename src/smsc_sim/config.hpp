#pragma once
/// Settings of the SMSC simulator: where it listens, whom it accepts, and which faults it
/// injects. FaultSettings can change at run time (control endpoint POST /fault).
#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace diskret::smsc_sim {

enum class IdFormat : std::uint8_t { dec, hex };

/// Faults and timings that POST /fault may change while the simulator runs.
struct FaultSettings {
  double throttle_ratio = 0;        ///< share of submits answered ESME_RTHROTTLED, spread evenly
  std::uint64_t drop_every = 0;     ///< per connection, the N-th submit is dropped (0 = never)
  std::uint32_t latency_ms = 0;     ///< delay of every submit_sm_resp
  std::uint32_t jitter_ms = 0;      ///< plus random [0, jitter) ms
  std::uint32_t dlr_delay_ms = 1000;
  double dlr_fail_ratio = 0;        ///< share of receipts sent as UNDELIV err:001
  std::uint32_t refuse_binds_ms = 0;  ///< binds fail with ESME_RBINDFAIL for this long from now
  std::string reject_prefix;        ///< destinations starting with it get ESME_RINVDSTADR
  std::uint32_t redeliver_ms = 1000;  ///< re-send delay of a deliver_sm answered with an error
};

struct HostPort {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
};

/// "127.0.0.1:2775", "[::1]:2775", ":2775" (host 127.0.0.1) or "2775".
Expected<HostPort> parse_host_port(std::string_view text);

struct SimulatorConfig {
  HostPort listen{"127.0.0.1", 2775};
  HostPort control{"127.0.0.1", 2780};
  bool control_enabled = true;
  std::string system_id = "test";   ///< "*" accepts any credentials
  std::string password = "test";
  std::string server_system_id = "DISKRETSMSC";  ///< system_id in bind responses
  std::string log_path;             ///< JSONL of submits; empty = no log
  IdFormat id_format = IdFormat::dec;
  bool verbose = false;              ///< session events on stderr
  std::uint32_t stats_interval_s = 0;  ///< stderr stats line while traffic flows; 0 = off
  std::size_t max_pending_deliver = 1'000'000;  ///< queued receipts/MOs without a receiver
  FaultSettings faults;
};

}  // namespace diskret::smsc_sim
