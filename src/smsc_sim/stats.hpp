#pragma once
/// Counters of the simulator and their JSON form for GET /stats.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "smsc_sim/config.hpp"

namespace diskret::smsc_sim {

struct Counters {
  std::uint64_t submits = 0;            ///< submit_sm acknowledged with status 0
  std::uint64_t submits_rx = 0;         ///< submit_sm on a session bound to send
  std::uint64_t throttled = 0;
  std::uint64_t rejected = 0;           ///< ESME_RINVDSTADR (--reject-prefix)
  std::uint64_t dropped = 0;
  std::uint64_t wrong_bind_state = 0;   ///< ESME_RINVBNDSTS
  std::optional<std::int64_t> first_submit_ms;  ///< epoch ms of the first/last ok submit
  std::optional<std::int64_t> last_submit_ms;
  std::uint64_t binds = 0;
  std::uint64_t binds_refused = 0;      ///< --refuse-binds-ms window
  std::uint64_t binds_bad_credentials = 0;
  std::uint64_t connections = 0;
  std::uint64_t disconnects = 0;
  std::uint64_t enquire_links = 0;
  std::uint64_t unbinds = 0;
  std::uint64_t deliver_resp_ok = 0;
  std::uint64_t deliver_resp_error = 0;  ///< non-zero deliver_sm_resp: re-sent later
  std::uint64_t generic_nacks_rx = 0;
  std::uint64_t generic_nacks_tx = 0;
  std::uint64_t mo_requests = 0;
};

struct SessionInfo {
  std::uint64_t id = 0;
  std::string system_id;
  std::string mode;  ///< "transmitter", "receiver", "transceiver" or "unbound"
  std::uint64_t submits = 0;
  std::size_t outstanding_delivers = 0;
};

struct StatsSnapshot {
  std::int64_t now_ms = 0;
  std::int64_t started_ms = 0;
  Counters counters;
  std::uint64_t dlr_sent = 0;
  std::uint64_t mo_sent = 0;
  std::uint64_t deliver_discarded = 0;
  std::size_t pending_deliver = 0;     ///< waiting for a receiver to bind
  std::size_t scheduled_deliver = 0;   ///< waiting for their delay
  std::uint64_t log_lines = 0;
  std::int64_t refuse_binds_remaining_ms = 0;
  FaultSettings faults;
  std::vector<SessionInfo> sessions;
};

/// The GET /stats body: every counter at top level plus "sessions" (a count),
/// "session_list" and "fault".
std::string stats_json(const StatsSnapshot& s);
/// The fault settings as a JSON object (POST /fault answers it).
std::string faults_json(const FaultSettings& f, std::int64_t refuse_binds_remaining_ms);

}  // namespace diskret::smsc_sim
