#pragma once
/// PriceTable: what one message costs, in euro cents per segment, by the recipient's
/// country ([billing] price_cents_per_segment and country_prices). Pure.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace diskret::billing {

class PriceTable {
 public:
  explicit PriceTable(std::int64_t default_cents = 7) : default_cents_(default_cents) {}

  /// "DE=9" entries (ISO 3166 region, '=', cents per segment 0..100000); fails naming the
  /// first bad entry.
  static Expected<PriceTable> parse(std::int64_t default_cents,
                                    const std::vector<std::string>& country_prices);

  /// Cents per segment for a recipient in `region` ("DE"; empty or unknown: the default).
  std::int64_t per_segment(std::string_view region) const;
  /// The price of a message of `segments` segments (at least one segment is charged).
  std::int64_t price(std::string_view region, std::uint32_t segments) const;

 private:
  std::int64_t default_cents_;
  std::map<std::string, std::int64_t, std::less<>> countries_;
};

}  // namespace diskret::billing
