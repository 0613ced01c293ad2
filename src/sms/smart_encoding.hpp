#pragma once
/// Smart encoding: look-alike Unicode characters (typographic quotes, dashes, non-breaking
/// and zero-width spaces, ellipsis) replaced by their GSM 03.38 equivalents so that a text
/// stays GSM-7 (160/153 characters per segment instead of 70/67). Pure.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace diskret::sms {

/// One kind of character that was replaced, e.g. U+201C -> "\"" three times.
struct Replacement {
  char32_t from = 0;       ///< the code point found in the text
  std::string to;          ///< its GSM replacement (empty: removed, e.g. zero-width space)
  std::size_t count = 0;   ///< how often it occurred
};

struct SmartEncoded {
  std::string text;                       ///< the text to send
  std::vector<Replacement> replacements;  ///< in order of first occurrence; empty: unchanged
};

/// Replaces look-alikes only when that makes the whole text GSM-7 (default alphabet); a text
/// that needs UCS-2 anyway (emoji, Cyrillic …) or is already GSM-7 comes back unchanged, as
/// does invalid UTF-8 (the caller's validation reports it).
SmartEncoded smart_encode(std::string_view utf8);

/// The GSM replacement of a look-alike code point, or nullptr when it is none.
const char* look_alike_replacement(char32_t cp) noexcept;

/// "U+201C" for display in previews.
std::string code_point_name(char32_t cp);

}  // namespace diskret::sms
