#pragma once
/// A tenant's keyword settings: the keyword lists and the reply texts, stored as JSON and
/// shown and changed through the API. Absent lists and texts take the defaults, so a
/// tenant overrides only what it wants. Pure.
///   {"keywords": {"stop": [...], "start": [...], "help": [...], "confirm": [...]},
///    "replies": {"stop": "...", "start": "...", "help": "...", "confirm": "..."}}
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "inbound/keyword_matcher.hpp"
#include "inbound/reply_policy.hpp"

namespace diskret::inbound {

struct InboundSettings {
  KeywordLists keywords = KeywordLists::defaults();
  ReplyTexts replies;  ///< filled with ReplyTexts::defaults(display name) when absent
};

/// Parses and validates (lists through KeywordMatcher::create, texts through validate()).
/// Fails with Errc::invalid_keyword / duplicate_keyword / no_stop_keyword / invalid_text,
/// or Errc::invalid_text naming the field for wrong JSON shapes.
Expected<InboundSettings> parse_settings(std::string_view json, std::string_view display_name);
std::string to_json(const InboundSettings& settings);

/// Settings ready for use: the parsed lists as a matcher.
struct CompiledSettings {
  KeywordMatcher matcher;
  ReplyTexts replies;
};
/// From stored JSON (nullopt: defaults). Stored settings were validated when written; if
/// they no longer parse, the defaults apply (opt-out by SMS must keep working).
CompiledSettings compile_settings(const std::optional<std::string>& json,
                                  std::string_view display_name);

}  // namespace diskret::inbound
