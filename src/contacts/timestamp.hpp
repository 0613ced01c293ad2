#pragma once
/// Points in time as tenants write them in consent records and CSV exports.
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace diskret::contacts {

/// Accepts RFC 3339 ("2024-03-01T14:30:00Z", "...+01:00", fractions), ISO dates and times
/// without offset ("2024-03-01", "2024-03-01 14:30[:00]") and German notation
/// ("01.03.2024", "1.3.2024 14:30[:00]"). Times without an offset are taken as UTC: a
/// spreadsheet does not say which zone it meant. Years 1970..2199 (what the clock's
/// nanosecond time_point holds); nullopt otherwise.
std::optional<SystemTime> parse_timestamp(std::string_view text);

/// "2024-03-01T14:30:00Z", with ".123" when the time has milliseconds.
std::string format_timestamp(SystemTime t);

}  // namespace diskret::contacts
