#include "carrier/prefix_router.hpp"

#include <algorithm>
#include <cctype>

namespace diskret::carrier {

PrefixRouter::PrefixRouter(const std::vector<std::vector<std::string>>& prefixes_per_carrier) {
  for (std::size_t c = 0; c < prefixes_per_carrier.size(); ++c) {
    const auto& prefixes = prefixes_per_carrier[c];
    if (prefixes.empty()) {
      catch_all_.push_back(c);
      continue;
    }
    for (const auto& p : prefixes) {
      // Keep digits only: operators write "+49 151" as readily as "49151".
      std::string digits;
      for (char ch : p) {
        if (std::isdigit(static_cast<unsigned char>(ch))) digits.push_back(ch);
      }
      entries_.push_back(Entry{std::move(digits), c});
    }
  }
  std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    if (a.digits.size() != b.digits.size()) return a.digits.size() > b.digits.size();
    return a.carrier < b.carrier;
  });
}

std::vector<std::size_t> PrefixRouter::route(std::string_view e164) const {
  std::vector<std::size_t> out;
  auto add = [&out](std::size_t c) {
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    return false;
  };
  // choose() visits candidates in preference order; collecting every one gives the route.
  (void)choose(e164, add);
  return out;
}

bool PrefixRouter::serves(std::string_view e164) const {
  return choose(e164, [](std::size_t) { return true; }).has_value();
}

}  // namespace diskret::carrier
