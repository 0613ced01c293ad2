#pragma once
/// Internal to the phone module: which digits can start a national-prefix match.
#include <cstdint>
#include <string_view>

namespace diskret::phone::detail {

inline constexpr std::uint16_t kAllDigits = 0x3FF;  ///< bit d set = digit d

/// Digits with which a NON-EMPTY match of `pattern`, anchored at the start of a string of
/// ASCII digits, can begin. Over-approximates: syntax it does not understand yields
/// kAllDigits, so "digit not in the mask" reliably means "the pattern consumes nothing".
/// Understands the subset libphonenumber's metadata uses: literals, classes with ranges,
/// \d, groups (capturing and (?:)), alternation, anchors and the quantifiers ? * + {m,n}.
std::uint16_t possible_first_digits(std::string_view pattern);

}  // namespace diskret::phone::detail
