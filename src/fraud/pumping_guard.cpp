#include "fraud/pumping_guard.hpp"

#include <fmt/format.h>

namespace diskret::fraud {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;

}  // namespace

bool unusual(phone::NumberType type, std::string_view region) {
  using phone::NumberType;
  // "001": the non-geographic codes (+800 freephone is "toll_free" there, +881 satellite,
  // +882/+883 international networks): a favourite of pumping, rarely a customer's phone.
  if (region == "001") return true;
  switch (type) {
    case NumberType::premium_rate:
    case NumberType::shared_cost:
    case NumberType::uan:
    case NumberType::personal_number:
    case NumberType::pager:
    case NumberType::voicemail:
      return true;
    default:
      return false;
  }
}

PumpingGuard::PumpingGuard(GuardOptions options, const Clock& clock)
    : options_(options), clock_(clock) {}

std::string PumpingGuard::prefix_of(std::string_view e164) const {
  const std::size_t n = std::min(e164.size(), options_.prefix_digits + 1);  // with '+'
  return std::string(e164.substr(0, n));
}

std::uint32_t PumpingGuard::count(Window& w, std::int64_t now_ms) {
  const std::int64_t hour = now_ms / kHourMs;
  if (hour != w.hour) {
    w.previous = hour == w.hour + 1 ? w.current : 0;
    w.current = 0;
    w.hour = hour;
  }
  ++w.current;
  const double left = 1.0 - static_cast<double>(now_ms % kHourMs) / kHourMs;
  return w.current + static_cast<std::uint32_t>(w.previous * left);
}

void PumpingGuard::trim(std::int64_t hour) {
  // Windows older than the previous hour count nothing any more.
  for (auto it = windows_.begin(); it != windows_.end();) {
    it = it->second.hour < hour - 1 ? windows_.erase(it) : std::next(it);
  }
  // Still full (a flood of distinct ranges): forget arbitrary ones rather than grow.
  for (auto it = windows_.begin(); it != windows_.end() && windows_.size() >= options_.max_keys;) {
    it = windows_.erase(it);
  }
}

std::optional<Hold> PumpingGuard::check(std::uint64_t tenant, std::string_view e164,
                                        phone::NumberType type, std::string_view region,
                                        const TenantLimits& limits) {
  const bool odd = unusual(type, region);
  const std::uint32_t prefix_limit = limits.prefix_per_hour.value_or(options_.prefix_per_hour);
  const std::uint32_t unusual_limit = limits.unusual_per_hour.value_or(options_.unusual_per_hour);
  if (!odd && prefix_limit == 0) return std::nullopt;  // nothing to count
  const std::int64_t now_ms = clock_.now_ms();
  std::lock_guard lock(mutex_);
  if (windows_.size() >= options_.max_keys) trim(now_ms / kHourMs);
  if (odd) {
    auto& w = windows_[fmt::format("{}|unusual", tenant)];
    if (count(w, now_ms) > unusual_limit) {
      return Hold{"unusual_range", region == "001" ? std::string("international_network")
                                                   : std::string(phone::number_type_name(type))};
    }
  }
  if (prefix_limit != 0) {
    std::string prefix = prefix_of(e164);
    auto& w = windows_[fmt::format("{}|{}", tenant, prefix)];
    if (count(w, now_ms) > prefix_limit) return Hold{"prefix_velocity", std::move(prefix)};
  }
  return std::nullopt;
}

}  // namespace diskret::fraud
