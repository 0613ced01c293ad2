#pragma once
// Loads tests/golden/smpp/*.hex: hex octets with '#' comments to the end of a line.
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/hex.hpp"

namespace diskret::smpp::test {

inline std::vector<std::uint8_t> golden(const std::string& name) {
  std::ifstream in(std::string(DISKRET_SOURCE_DIR) + "/tests/golden/smpp/" + name);
  if (!in) throw std::runtime_error("missing golden file " + name);
  std::string line;
  std::string hex;
  while (std::getline(in, line)) {
    hex += line.substr(0, line.find('#'));
    hex += '\n';
  }
  auto bytes = from_hex(hex);
  if (!bytes) throw std::runtime_error("bad hex in " + name);
  return *bytes;
}

inline std::vector<std::uint8_t> bytes_of(std::string_view hex) {
  auto bytes = from_hex(hex);
  if (!bytes) throw std::runtime_error("bad hex literal");
  return *bytes;
}

}  // namespace diskret::smpp::test
