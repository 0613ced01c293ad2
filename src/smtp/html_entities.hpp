#pragma once
/// Named and numeric HTML character references (the subset mail bodies use).
#include <cstdint>
#include <optional>
#include <string_view>

namespace diskret::smtp {

/// "amp" -> U+0026; nullopt for names we do not know (they stay literal).
std::optional<char32_t> named_entity(std::string_view name);

/// "#228" / "#xE4" -> the code point, with the HTML5 rules: 0x80-0x9F are read as
/// Windows-1252, NUL, surrogates and values past U+10FFFF become U+FFFD.
std::optional<char32_t> numeric_entity(std::string_view ref);

/// One Windows-1252 byte as a code point (the five undefined bytes map to U+FFFD).
char32_t windows_1252(unsigned char byte);

}  // namespace diskret::smtp
