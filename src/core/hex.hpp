#pragma once
/// Hex encoding of byte strings (lowercase) and decoding (either case).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace diskret {

std::string to_hex(std::span<const std::uint8_t> bytes);
std::string to_hex(std::string_view bytes);
/// Accepts whitespace between byte pairs (golden files are written in groups).
Expected<std::vector<std::uint8_t>> from_hex(std::string_view text);

}  // namespace diskret
