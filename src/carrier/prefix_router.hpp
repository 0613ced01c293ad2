#pragma once
/// PrefixRouter: which carriers serve a destination, in preference order. Carriers whose
/// E.164 prefixes match come first, longest matching prefix first (ties in configuration
/// order); carriers without prefixes are catch-alls and come last, in configuration order.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace diskret::carrier {

class PrefixRouter {
 public:
  /// One prefix list per carrier, indexed like the carrier configuration. Prefixes may be
  /// written with or without '+' ("+4915", "4915"); an empty list makes a catch-all.
  explicit PrefixRouter(const std::vector<std::vector<std::string>>& prefixes_per_carrier);

  /// Carrier indexes serving `e164` ("+4915..." or digits), best first, each at most once.
  std::vector<std::size_t> route(std::string_view e164) const;

  /// The first carrier in route order for which `usable(index)` is true (failover: the
  /// caller passes "has a bound session"), or nullopt.
  template <class Usable>
  std::optional<std::size_t> choose(std::string_view e164, Usable&& usable) const {
    const auto digits = strip_plus(e164);
    for (const auto& e : entries_) {
      if (digits.starts_with(e.digits) && usable(e.carrier)) return e.carrier;
    }
    for (auto c : catch_all_) {
      if (usable(c)) return c;
    }
    return std::nullopt;
  }

  /// Whether any carrier serves `e164` at all (bound or not).
  bool serves(std::string_view e164) const;

  static std::string_view strip_plus(std::string_view e164) noexcept {
    return !e164.empty() && e164.front() == '+' ? e164.substr(1) : e164;
  }

 private:
  struct Entry {
    std::string digits;
    std::size_t carrier = 0;
  };
  std::vector<Entry> entries_;         // longest prefix first, then configuration order
  std::vector<std::size_t> catch_all_;
};

}  // namespace diskret::carrier
