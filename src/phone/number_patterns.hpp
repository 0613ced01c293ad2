#pragma once
/// Internal to the phone module: the region and validity of a number from libphonenumber's
/// metadata, with its national-number patterns compiled to small DFAs over the ten digits.
/// The library matches the same patterns with ICU regular expressions, building a matcher
/// and a UTF-16 copy of the number for each of up to twelve patterns: ~15 us per number,
/// most of what parsing a batch request costs. The answers are exactly the library's
/// (GetRegionCodeForNumber, then IsValidNumberForRegion); a test compares both on every
/// example number it ships and on random numbers for every calling code.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace i18n::phonenumbers {
class PhoneMetadataCollection;
}

namespace diskret::phone::detail {

/// The library's compiled-in metadata, parsed once.
const i18n::phonenumbers::PhoneMetadataCollection& metadata_collection();

/// One national-number (or leading-digits) pattern of the metadata as a DFA. Compiles the
/// subset the metadata uses: digits, \d, classes with ranges (and ^), groups ((?:) and
/// plain), alternation and the quantifiers ? * + {n} {n,} {n,m} (lazy forms too: they
/// match the same strings). Anything else (anchors, escapes, possessive quantifiers) is
/// refused, and the caller keeps using the library.
class DigitPattern {
 public:
  /// nullopt for syntax outside that subset, or when the DFA would exceed `max_states`.
  static std::optional<DigitPattern> compile(std::string_view regex,
                                             std::size_t max_states = 8192);

  /// The whole of `digits` matches (a regular expression's FullMatch).
  bool matches(std::string_view digits) const;
  /// Some prefix of `digits`, maybe empty, matches (the library's Consume: lookingAt).
  bool matches_prefix(std::string_view digits) const;
  std::size_t states() const { return accept_.size(); }

 private:
  DigitPattern() = default;
  std::vector<std::array<std::int32_t, 10>> next_;  // -1: no match can follow
  std::vector<std::uint8_t> accept_;
};

struct NumberVerdict {
  std::string region;  ///< as GetRegionCodeForNumber: an ISO code, "001" or "ZZ"
  bool valid = false;  ///< as IsValidNumberForRegion(number, region)
};

/// The verdict for calling code `country_code` and national significant number `nsn`
/// (ASCII digits, leading zeros included). nullopt when a pattern involved did not
/// compile: then ask the library.
std::optional<NumberVerdict> classify(int country_code, std::string_view nsn);

}  // namespace diskret::phone::detail
