#pragma once
/// Small pure helpers for submit_sm fields and log lines.
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace diskret::carrier {

/// SMPP absolute time in UTC, "YYMMDDhhmmss000+" (tenths 0, offset 00 quarter hours),
/// as used for validity_period.
std::string format_absolute_time(SystemTime t);

/// destination_addr for an E.164 number: "+4915112345678" -> "4915112345678".
std::string_view e164_digits(std::string_view e164) noexcept;

/// A number for logs: "+49151*****678" (the first five digits and the last three; shorter
/// numbers keep only their last two digits).
std::string mask_number(std::string_view number);

}  // namespace diskret::carrier
