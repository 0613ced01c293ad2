#include "billing/price_table.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace diskret::billing {

Expected<PriceTable> PriceTable::parse(std::int64_t default_cents,
                                       const std::vector<std::string>& country_prices) {
  if (default_cents < 0) return fail(Errc::invalid_argument, "the default price must not be negative");
  PriceTable table(default_cents);
  for (const std::string& entry : country_prices) {
    const auto eq = entry.find('=');
    const bool region_ok = eq == 2 && std::isupper(static_cast<unsigned char>(entry[0])) &&
                           std::isupper(static_cast<unsigned char>(entry[1]));
    std::int64_t cents = -1;
    if (region_ok) {
      const char* begin = entry.data() + 3;
      const char* end = entry.data() + entry.size();
      auto [p, ec] = std::from_chars(begin, end, cents);
      if (ec != std::errc{} || p != end || begin == end) cents = -1;
    }
    if (!region_ok || cents < 0 || cents > 100'000) {
      return fail(Errc::invalid_argument,
                  "country price \"" + entry + "\" must look like DE=9 (cents per segment, 0..100000)");
    }
    table.countries_[entry.substr(0, 2)] = cents;
  }
  return table;
}

std::int64_t PriceTable::per_segment(std::string_view region) const {
  auto it = countries_.find(region);
  return it == countries_.end() ? default_cents_ : it->second;
}

std::int64_t PriceTable::price(std::string_view region, std::uint32_t segments) const {
  return per_segment(region) * std::max<std::uint32_t>(segments, 1);
}

}  // namespace diskret::billing
