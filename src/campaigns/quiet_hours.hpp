#pragma once
/// Quiet hours: marketing reaches a person only inside the day window of their own time
/// zone (default 08:00-20:00, not on Sundays); outside it the message is held until the
/// window opens, never dropped. The zone comes from the number (libphonenumber's
/// time-zone mapping; a number spanning several zones takes the most populous one).
#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace diskret::campaigns {

struct QuietHours {
  bool enabled = false;
  int window_start_minute = 8 * 60;  ///< local time from which marketing may go out
  int window_end_minute = 20 * 60;   ///< local time from which it is held again
  bool sundays = true;               ///< Sundays are quiet all day

  /// "20:00-08:00" (quiet from, quiet until) or "off"; Errc::invalid_argument otherwise.
  static Expected<QuietHours> parse(std::string_view text, bool sundays = true);
};

/// The IANA zone of a number ("Europe/Berlin"; national notation read in `default_region`);
/// for a number spanning several zones the most populous one; "" if unknown.
std::string zone_of(std::string_view e164, std::string_view default_region);

/// The earliest moment (epoch ms, >= now_ms) at which marketing may reach a person in
/// `zone`: now_ms while the window is open. An unknown zone is read as UTC.
std::int64_t open_at_ms(std::int64_t now_ms, std::string_view zone, const QuietHours& quiet);

}  // namespace diskret::campaigns
