#pragma once
/// RFC 3339 timestamps as the API shows and accepts them.
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace diskret::api {

/// UTC with milliseconds: "2024-05-06T07:08:09.123Z".
std::string format_rfc3339(SystemTime t);

/// "2024-05-06T07:08:09Z", "...09.5+02:00", "...09-05:30"; 'T'/'t' and 'Z'/'z' both work
/// (RFC 3339 section 5.6). Fractions finer than a millisecond are truncated. Nullopt when
/// malformed or out of range.
std::optional<SystemTime> parse_rfc3339(std::string_view text);

}  // namespace diskret::api
