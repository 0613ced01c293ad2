#pragma once
// Helpers shared by the sms unit tests.
#include <string>
#include <string_view>

#include "core/hex.hpp"

namespace diskret::sms::test {

inline std::string bytes(std::string_view hex) {
  auto v = from_hex(hex);
  return v ? std::string(v->begin(), v->end()) : std::string("<bad hex>");
}

inline std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace diskret::sms::test
