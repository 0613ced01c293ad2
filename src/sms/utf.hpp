#pragma once
/// Strict UTF-8 decoding and UTF-8 appending. Private to sms; inline because
/// analyse() decodes every character of every recipient's text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace diskret::sms::utf {

inline constexpr char32_t kInvalid = 0xFFFFFFFF;
inline constexpr char32_t kReplacement = 0xFFFD;

/// Decodes the code point at s[i] and advances i past it. Returns kInvalid (i unspecified)
/// for truncated sequences, overlong forms, UTF-16 surrogates and values above U+10FFFF.
inline char32_t next(std::string_view s, std::size_t& i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  const std::uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  if ((b0 & 0xE0) == 0xC0) {  // two-byte sequences (Latin, Greek, Cyrillic) take a short path
    if (s.size() - i < 2 || b0 < 0xC2) return kInvalid;
    const std::uint8_t b1 = byte(i + 1);
    if ((b1 & 0xC0) != 0x80) return kInvalid;
    i += 2;
    return static_cast<char32_t>((b0 & 0x1F) << 6 | (b1 & 0x3F));
  }
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return kInvalid;
  }
  if (s.size() - i < len) return kInvalid;
  for (std::size_t k = 1; k < len; ++k) {
    const std::uint8_t b = byte(i + k);
    if ((b & 0xC0) != 0x80) return kInvalid;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kInvalid;
  i += len;
  return cp;
}

/// True when the whole string is well-formed UTF-8.
inline bool valid(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    if (next(s, i) == kInvalid) return false;
  }
  return true;
}

inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

/// Number of UTF-16 code units of `cp` (2 for a surrogate pair).
constexpr std::size_t utf16_units(char32_t cp) noexcept { return cp > 0xFFFF ? 2 : 1; }

}  // namespace diskret::sms::utf
