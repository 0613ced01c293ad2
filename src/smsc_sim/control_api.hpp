#pragma once
/// ControlApi: what the control endpoint's paths do (GET /stats, POST /mo, /fault,
/// /reset, /kick, /flush), on top of the simulator's shared state. No HTTP transport and
/// no sockets here, so it is tested without either.
#include <cstddef>
#include <functional>
#include <vector>

#include "smsc_sim/control_server.hpp"
#include "smsc_sim/mo_injector.hpp"
#include "smsc_sim/smsc_core.hpp"
#include "smsc_sim/stats.hpp"

namespace diskret::smsc_sim {

class ControlApi {
 public:
  struct Hooks {
    std::function<std::size_t()> kick_all;               ///< returns connections closed
    std::function<std::vector<SessionInfo>()> sessions;  ///< open connections
  };

  ControlApi(SmscCore& core, Hooks hooks) : core_(core), hooks_(std::move(hooks)) {}

  ControlResponse handle(const ControlRequest& request);
  StatsSnapshot snapshot() const;

 private:
  ControlResponse inject_mo(const Params& params);
  ControlResponse change_faults(const Params& params);

  SmscCore& core_;
  Hooks hooks_;
  MoInjector mo_;
};

}  // namespace diskret::smsc_sim
