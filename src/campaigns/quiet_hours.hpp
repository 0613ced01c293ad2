#pragma once
/// Quiet hours: marketing reaches a person only inside the day window of their own time
/// zone (default 08:00-20:00, not on Sundays); outside it the message is held until the
/// window opens, never dropped. The zone comes from the number (libphonenumber's
/// time-zone mapping; a number spanning several zones takes the most populous one).
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace diskret::campaigns {

struct QuietHours {
  bool enabled = false;
  int window_start_minute = 8 * 60;  ///< local time from which marketing may go out
  int window_end_minute = 20 * 60;   ///< local time from which it is held again
  bool sundays = true;               ///< Sundays are quiet all day
  /// Public holidays held like Sundays: "DE:2026-12-25" (the recipient's country) or
  /// "*:2026-12-25" (everyone); see parse_holidays().
  std::set<std::string, std::less<>> holidays;

  /// "20:00-08:00" (quiet from, quiet until) or "off"; Errc::invalid_argument otherwise.
  static Expected<QuietHours> parse(std::string_view text, bool sundays = true);
  /// Whether `day` ("YYYY-MM-DD") is a holiday in `region` ("DE").
  bool holiday(std::string_view region, std::string_view day) const;
};

/// Validates "CC:YYYY-MM-DD" entries (CC an ISO country or "*"); fails naming the first bad
/// one. The result goes into QuietHours::holidays.
Expected<std::set<std::string, std::less<>>> parse_holidays(const std::vector<std::string>& entries);

/// The IANA zone of a number ("Europe/Berlin"; national notation read in `default_region`);
/// for a number spanning several zones the most populous one; "" if unknown.
std::string zone_of(std::string_view e164, std::string_view default_region);

/// "09:00 in the recipient's local time": the epoch ms at which the civil time `local`
/// ("YYYY-MM-DDTHH:MM", no offset) happens in `zone` (UTC when unknown); nullopt when it
/// is malformed. A time a summer-time change skips is read with the offset before the
/// change (02:30 becomes 03:30 summer time); a time it repeats takes its first occurrence.
std::optional<std::int64_t> local_time_ms(std::string_view local, std::string_view zone);
/// The first moment anywhere on earth (UTC+14) at which `local` happens; nullopt if malformed.
std::optional<std::int64_t> earliest_local_time_ms(std::string_view local);

/// The ISO region of a number ("DE"), "" if unknown.
std::string region_of(std::string_view e164, std::string_view default_region);

/// Where a recipient's local time is read (quiet hours, holidays, send_at_local).
struct LocalPlace {
  std::string zone;    ///< IANA zone; "" only when the tenant's region has none either (UTC)
  std::string region;  ///< ISO region whose holidays apply
};
/// The number's zone and region: its region's zone, or with several (the table has no
/// lookup by area code) the most populous (US -> America/New_York, PT -> Europe/Lisbon);
/// when the number has no region (non-geographic numbers such as +800, unparsable) the
/// tenant's default region and its first zone instead of UTC.
LocalPlace place_of(std::string_view e164, std::string_view tenant_region);

/// The earliest moment (epoch ms, >= now_ms) at which marketing may reach a person in
/// `zone` (and country `region`, for its holidays): now_ms while the window is open. An
/// unknown zone is read as UTC.
std::int64_t open_at_ms(std::int64_t now_ms, std::string_view zone, const QuietHours& quiet,
                        std::string_view region = {});

}  // namespace diskret::campaigns
