#include "smsc_sim/stats.hpp"

#include <boost/json.hpp>

namespace diskret::smsc_sim {
namespace {

boost::json::value optional_ms(const std::optional<std::int64_t>& ms) {
  if (!ms) return nullptr;
  return *ms;
}

boost::json::object fault_object(const FaultSettings& f, std::int64_t refuse_remaining_ms) {
  return {
      {"throttle_ratio", f.throttle_ratio},
      {"drop_every", f.drop_every},
      {"latency_ms", f.latency_ms},
      {"jitter_ms", f.jitter_ms},
      {"dlr_delay_ms", f.dlr_delay_ms},
      {"dlr_fail_ratio", f.dlr_fail_ratio},
      {"reject_prefix", f.reject_prefix},
      {"redeliver_ms", f.redeliver_ms},
      {"refuse_binds_remaining_ms", refuse_remaining_ms},
  };
}

}  // namespace

std::string stats_json(const StatsSnapshot& s) {
  const Counters& c = s.counters;
  boost::json::array sessions;
  for (const SessionInfo& i : s.sessions) {
    sessions.push_back({{"id", i.id},
                        {"system_id", i.system_id},
                        {"mode", i.mode},
                        {"submits", i.submits},
                        {"outstanding_delivers", i.outstanding_delivers}});
  }
  boost::json::object o{
      {"submits", c.submits},
      {"first_submit_ms", optional_ms(c.first_submit_ms)},
      {"last_submit_ms", optional_ms(c.last_submit_ms)},
      {"submits_rx", c.submits_rx},
      {"throttled", c.throttled},
      {"rejected", c.rejected},
      {"dropped", c.dropped},
      {"wrong_bind_state", c.wrong_bind_state},
      {"dlr_sent", s.dlr_sent},
      {"mo_sent", s.mo_sent},
      {"mo_requests", c.mo_requests},
      {"deliver_resp_ok", c.deliver_resp_ok},
      {"deliver_resp_error", c.deliver_resp_error},
      {"deliver_discarded", s.deliver_discarded},
      {"pending_deliver", s.pending_deliver},
      {"scheduled_deliver", s.scheduled_deliver},
      {"sessions", s.sessions.size()},
      {"binds", c.binds},
      {"binds_refused", c.binds_refused},
      {"binds_bad_credentials", c.binds_bad_credentials},
      {"connections", c.connections},
      {"disconnects", c.disconnects},
      {"enquire_links", c.enquire_links},
      {"unbinds", c.unbinds},
      {"generic_nacks_rx", c.generic_nacks_rx},
      {"generic_nacks_tx", c.generic_nacks_tx},
      {"log_lines", s.log_lines},
      {"now_ms", s.now_ms},
      {"started_ms", s.started_ms},
      {"uptime_s", static_cast<double>(s.now_ms - s.started_ms) / 1000.0},
      {"fault", fault_object(s.faults, s.refuse_binds_remaining_ms)},
      {"session_list", std::move(sessions)},
  };
  return boost::json::serialize(o);
}

std::string faults_json(const FaultSettings& f, std::int64_t refuse_binds_remaining_ms) {
  return boost::json::serialize(fault_object(f, refuse_binds_remaining_ms));
}

}  // namespace diskret::smsc_sim
