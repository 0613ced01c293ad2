#pragma once
/// SmscCore: the state every session of one simulator shares (settings, faults, ids,
/// log, counters, deliver routing and schedule). Used on the simulator's one I/O thread
/// only, so it needs no locks. Internal to smsc_sim.
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "core/clock.hpp"
#include "smsc_sim/config.hpp"
#include "smsc_sim/deliver_router.hpp"
#include "smsc_sim/deliver_schedule.hpp"
#include "smsc_sim/fault_plan.hpp"
#include "smsc_sim/message_id.hpp"
#include "smsc_sim/stats.hpp"
#include "smsc_sim/submit_log.hpp"

namespace diskret::smsc_sim {

class SmscSession;

struct SmscCore {
  SmscCore(SimulatorConfig cfg, const Clock& wall_clock)
      : config(std::move(cfg)),
        clock(wall_clock),
        faults(config.faults, std::chrono::steady_clock::now()),
        ids(config.id_format, wall_clock.now_ms() / 1000),
        router(config.max_pending_deliver),
        started_ms(wall_clock.now_ms()) {}

  SimulatorConfig config;
  const Clock& clock;
  FaultPlan faults;
  MessageIdGenerator ids;
  std::optional<SubmitLog> log;
  Counters counters;
  DeliverRouter router;
  DeliverSchedule schedule;
  std::int64_t started_ms;
  std::uint64_t next_session_id = 1;
  /// Open connections by id; a session adds itself when it starts, removes itself when it ends.
  std::unordered_map<std::uint64_t, SmscSession*> sessions;
};

}  // namespace diskret::smsc_sim
