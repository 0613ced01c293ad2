#pragma once
/// PumpingGuard: SMS pumping (artificially inflated traffic, toll fraud) shows as sudden
/// traffic from one account to one number range, or to ranges nobody texts (premium rate,
/// shared cost, international networks). The guard counts a tenant's recent messages per
/// destination prefix and per kind of range in memory and says which to hold for review.
/// O(1) per message (hash lookups, no database); thread-safe; a restart forgets the counts.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"
#include "phone/phone_number.hpp"

namespace diskret::fraud {

struct GuardOptions {
  /// Digits of the E.164 number (after '+') that name a range: "+4915112345678" with 6
  /// counts under "+491511".
  std::size_t prefix_digits = 6;
  /// Messages per tenant and range within an hour (sliding); beyond: held. 0 = no limit.
  std::uint32_t prefix_per_hour = 0;
  /// Messages per tenant within an hour to unusual ranges (premium rate, shared cost,
  /// UAN, personal numbers, pagers, voicemail, numbers of no country such as +882);
  /// beyond: held. 0 = every one is held.
  std::uint32_t unusual_per_hour = 5;
  std::size_t max_keys = 200'000;  ///< counters kept; the oldest windows go first
};

/// A tenant's own allowances (PATCH /v1/tenant), in place of GuardOptions' where set.
struct TenantLimits {
  std::optional<std::uint32_t> prefix_per_hour;
  std::optional<std::uint32_t> unusual_per_hour;
};

/// Why a message is held; nullopt: send.
struct Hold {
  std::string reason;  ///< "prefix_velocity" | "unusual_range"
  std::string range;   ///< the prefix ("+491511") or the kind ("premium_rate")
};

/// Whether a number's range is one that ordinary business texting does not reach.
bool unusual(phone::NumberType type, std::string_view region);

class PumpingGuard {
 public:
  PumpingGuard(GuardOptions options, const Clock& clock);

  /// Counts one message of `tenant` to `e164` (of `type`/`region`) and says whether to hold
  /// it. Held messages count too: a pump that keeps going stays held.
  std::optional<Hold> check(std::uint64_t tenant, std::string_view e164, phone::NumberType type,
                            std::string_view region, const TenantLimits& limits = {});
  /// The prefix that check() counts `e164` under.
  std::string prefix_of(std::string_view e164) const;
  const GuardOptions& options() const { return options_; }

 private:
  /// Two fixed hour windows; the sliding count weighs the previous one by what is left of it.
  struct Window {
    std::int64_t hour = 0;
    std::uint32_t current = 0, previous = 0;
  };
  std::uint32_t count(Window& w, std::int64_t now_ms);
  void trim(std::int64_t hour);

  GuardOptions options_;
  const Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace diskret::fraud
