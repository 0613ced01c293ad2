#include "smsc_sim/control_api.hpp"

#include <boost/json.hpp>
#include <chrono>

#include "smsc_sim/control_params.hpp"

namespace diskret::smsc_sim {
namespace {

ControlResponse json_response(unsigned status, const boost::json::object& body) {
  return {status, boost::json::serialize(body)};
}

ControlResponse error_response(unsigned status, const std::string& message) {
  return json_response(status, {{"error", message}});
}

}  // namespace

ControlResponse ControlApi::handle(const ControlRequest& request) {
  auto params = parse_control_params(request.query, request.content_type, request.body);
  if (!params) return error_response(400, params.error().message());
  const std::string& path = request.path;
  if (path == "/stats") {
    if (core_.log) core_.log->flush();  // so that a test reading the log after /stats sees all
    return {200, stats_json(snapshot())};
  }
  if (path == "/mo") return inject_mo(*params);
  if (path == "/fault") return change_faults(*params);
  if (path == "/reset") {
    core_.counters = {};
    core_.router.reset_counters();
    return json_response(200, {{"ok", true}});
  }
  if (path == "/kick") {
    return json_response(200, {{"kicked", hooks_.kick_all ? hooks_.kick_all() : 0}});
  }
  if (path == "/flush") {
    if (core_.log) core_.log->flush();
    return json_response(200, {{"ok", true}, {"log_lines", core_.log ? core_.log->lines() : 0}});
  }
  return error_response(404, "endpoints: /stats /mo /fault /reset /kick /flush");
}

ControlResponse ControlApi::inject_mo(const Params& params) {
  auto from = find_param(params, "from");
  auto to = find_param(params, "to");
  auto text = find_param(params, "text");
  if (!from || !to || !text) return error_response(400, "need from, to and text");
  ++core_.counters.mo_requests;
  auto parts = mo_.build({*from, *to, *text});
  if (!parts) return error_response(400, parts.error().message());

  // Without a system_id the MO goes to the configured one, or to any receiver when the
  // simulator accepts every system_id.
  std::string system_id = find_param(params, "system_id").value_or(
      core_.config.system_id == "*" ? std::string{} : core_.config.system_id);
  std::size_t sent = 0;
  std::size_t queued = 0;
  for (const smpp::DeliverSm& part : *parts) {
    const Routed r = core_.router.route(make_outbound(DeliverKind::mo, system_id, 0, part));
    sent += r == Routed::sent;
    queued += r == Routed::queued;
  }
  const std::size_t total = parts->size();
  if (sent + queued < total) return error_response(503, "deliver queue is full");
  return json_response(sent == total ? 200 : 202, {{"parts", total},
                                                   {"delivered_now", sent == total},
                                                   {"queued", queued != 0}});
}

ControlResponse ControlApi::change_faults(const Params& params) {
  auto update = parse_fault_params(core_.faults.settings(), params);
  if (!update) return error_response(400, update.error().message());
  const auto now = std::chrono::steady_clock::now();
  core_.faults.apply(update->settings, now, update->restart_refusal);
  return {200, faults_json(core_.faults.settings(), core_.faults.refusal_remaining(now).count())};
}

StatsSnapshot ControlApi::snapshot() const {
  StatsSnapshot s;
  s.now_ms = core_.clock.now_ms();
  s.started_ms = core_.started_ms;
  s.counters = core_.counters;
  s.dlr_sent = core_.router.sent(DeliverKind::receipt);
  s.mo_sent = core_.router.sent(DeliverKind::mo);
  s.deliver_discarded = core_.router.discarded();
  s.pending_deliver = core_.router.pending();
  s.scheduled_deliver = core_.schedule.size();
  s.log_lines = core_.log ? core_.log->lines() : 0;
  s.refuse_binds_remaining_ms =
      core_.faults.refusal_remaining(std::chrono::steady_clock::now()).count();
  s.faults = core_.faults.settings();
  if (hooks_.sessions) s.sessions = hooks_.sessions();
  return s;
}

}  // namespace diskret::smsc_sim
