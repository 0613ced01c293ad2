#include "smsc_sim/fault_plan.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace diskret::smsc_sim {

const char* verdict_name(Verdict v) noexcept {
  switch (v) {
    case Verdict::accept: return "accept";
    case Verdict::throttle: return "throttle";
    case Verdict::reject_destination: return "reject_destination";
    case Verdict::drop: return "drop";
  }
  return "?";
}

std::chrono::milliseconds SlowAck::delay(std::minstd_rand& rng) const {
  std::uint32_t ms = latency_ms_;
  if (jitter_ms_ > 0) ms += static_cast<std::uint32_t>(rng() % jitter_ms_);
  return std::chrono::milliseconds{ms};
}

FaultPlan::FaultPlan(const FaultSettings& settings, SteadyTime now) {
  apply(settings, now, RestartRefusal::yes);
  // A fresh plan starts its spreads from zero even when apply() would keep them.
  throttling_ = Throttling(settings.throttle_ratio);
  receipt_failing_ = ReceiptFailing(settings.dlr_fail_ratio);
}

void FaultPlan::apply(const FaultSettings& settings, SteadyTime now, RestartRefusal restart) {
  // Restarting a spread on every /fault call would shift which submits are hit; only a
  // changed ratio starts a new one.
  if (settings.throttle_ratio != settings_.throttle_ratio) {
    throttling_ = Throttling(settings.throttle_ratio);
  }
  if (settings.dlr_fail_ratio != settings_.dlr_fail_ratio) {
    receipt_failing_ = ReceiptFailing(settings.dlr_fail_ratio);
  }
  dropping_ = Dropping(settings.drop_every);
  rejecting_ = DestinationRejecting(settings.reject_prefix);
  slow_ack_ = SlowAck(settings.latency_ms, settings.jitter_ms);
  if (restart == RestartRefusal::yes) {
    refuse_until_ = now + std::chrono::milliseconds{settings.refuse_binds_ms};
  }
  settings_ = settings;
}

Verdict FaultPlan::judge_submit(std::string_view destination, std::uint64_t nth_on_connection) {
  if (dropping_.drops(nth_on_connection)) return Verdict::drop;
  if (throttling_.throttles()) return Verdict::throttle;
  if (rejecting_.rejects(destination)) return Verdict::reject_destination;
  return Verdict::accept;
}

std::chrono::milliseconds FaultPlan::refusal_remaining(SteadyTime now) const noexcept {
  if (now >= refuse_until_) return std::chrono::milliseconds{0};
  return std::chrono::duration_cast<std::chrono::milliseconds>(refuse_until_ - now);
}

namespace {

Expected<double> parse_ratio(std::string_view name, const std::string& v) {
  // from_chars for double is in libstdc++ 11+, but strtod also accepts "1e-3" the same way.
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(d) || d < 0 || d > 1) {
    return fail(Errc::invalid_argument, std::string(name) + " must be a number in [0, 1]");
  }
  return d;
}

template <class U>
Expected<U> parse_unsigned(std::string_view name, const std::string& v) {
  U out{};
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size()) {
    return fail(Errc::invalid_argument, std::string(name) + " must be a non-negative integer");
  }
  return out;
}

}  // namespace

Expected<FaultUpdate> parse_fault_params(FaultSettings current, const Params& params) {
  FaultUpdate update{std::move(current), RestartRefusal::no};
  FaultSettings& s = update.settings;
  for (const auto& [name, value] : params) {
    if (name == "throttle" || name == "throttle_ratio" || name == "throttle_rate") {
      auto r = parse_ratio(name, value);
      if (!r) return unexpected(r.error());
      s.throttle_ratio = *r;
    } else if (name == "dlr_fail_ratio" || name == "dlr_undeliv_rate") {
      auto r = parse_ratio(name, value);
      if (!r) return unexpected(r.error());
      s.dlr_fail_ratio = *r;
    } else if (name == "drop_every") {
      auto n = parse_unsigned<std::uint64_t>(name, value);
      if (!n) return unexpected(n.error());
      s.drop_every = *n;
    } else if (name == "latency_ms" || name == "jitter_ms" || name == "dlr_delay_ms" ||
               name == "refuse_binds_ms" || name == "redeliver_ms") {
      auto n = parse_unsigned<std::uint32_t>(name, value);
      if (!n) return unexpected(n.error());
      if (name == "latency_ms") s.latency_ms = *n;
      if (name == "jitter_ms") s.jitter_ms = *n;
      if (name == "dlr_delay_ms") s.dlr_delay_ms = *n;
      if (name == "redeliver_ms") s.redeliver_ms = *n;
      if (name == "refuse_binds_ms") {
        s.refuse_binds_ms = *n;
        update.restart_refusal = RestartRefusal::yes;
      }
    } else if (name == "reject_prefix") {
      s.reject_prefix = value;
    } else {
      return fail(Errc::invalid_argument, "unknown fault parameter " + name);
    }
  }
  return update;
}

}  // namespace diskret::smsc_sim
