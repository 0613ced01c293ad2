#pragma once
/// HTML -> readable plain text for an SMS: tags stripped, entities decoded, block elements
/// become line breaks, script/style/head dropped, links keep their address, quoted parts
/// (<blockquote>, Gmail/Thunderbird quote and signature blocks) marked or dropped so that
/// text_cleanup can remove them like plain-text quotes. Pure; input and output UTF-8.
#include <string>
#include <string_view>

namespace diskret::smtp {

/// Lines end in '\n'; blockquote content comes out prefixed with "> " per level; runs of
/// whitespace outside <pre> collapse to one space. Never fails: malformed markup is read
/// the way browsers roughly would.
std::string html_to_text(std::string_view html);

/// Appends the UTF-8 form of a code point (invalid ones become U+FFFD).
void append_utf8(std::string& out, char32_t cp);

}  // namespace diskret::smtp
