#pragma once
/// Small text helpers shared by the contacts codecs: trimming, ASCII case folding, UTF-8
/// and control-character checks. Pure code.
#include <cstddef>
#include <string>
#include <string_view>

namespace diskret::contacts {

/// Without leading and trailing blanks (space, tab, CR, LF, NBSP as UTF-8).
std::string_view trim(std::string_view s) noexcept;
std::string ascii_lower(std::string_view s);
std::string ascii_upper(std::string_view s);
bool valid_utf8(std::string_view s) noexcept;
/// Code points, for length limits users can count; assumes valid UTF-8.
std::size_t utf8_length(std::string_view s) noexcept;
/// Any C0 control (or DEL); `allow_newline` lets LF and TAB through (multi-line notes).
bool has_control(std::string_view s, bool allow_newline) noexcept;

}  // namespace diskret::contacts
