#pragma once
/// Internal to the phone module: IANA time zones per region, from the tz database.
#include <string_view>

namespace diskret::phone::detail {

/// Space-separated IANA zones of an ISO 3166 region ("DE" -> "Europe/Berlin"); a country
/// with several zones lists all of them, the most populous first. Empty when unknown.
std::string_view zones_for_region(std::string_view region);

}  // namespace diskret::phone::detail
