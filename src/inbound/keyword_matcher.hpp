#pragma once
/// Keywords in mobile-originated messages: STOP (opt out), START (opt in again), HELP and
/// CONFIRM (double opt-in reply). A message is a keyword when its whole text, normalised,
/// equals one: "Stopp ", " stop!", "ABMELDEN." and "Abmelden" all match. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/expected.hpp"
#include "inbound/errc.hpp"

namespace diskret::inbound {

enum class KeywordKind : std::uint8_t { stop, start, help, confirm };

const char* keyword_kind_name(KeywordKind kind) noexcept;  ///< "stop", "start", ...
std::optional<KeywordKind> parse_keyword_kind(std::string_view name);

/// Trims, collapses every run of white space (Unicode spaces and zero-width characters
/// too) to one blank, case-folds ASCII and Latin-1 letters (umlauts included; "ß" and
/// "ẞ" become "ss"), strips trailing punctuation (". , ! ? ; : - ' \" ) …" and the like)
/// and leading quotes and brackets. Invalid UTF-8 bytes become U+FFFD, so they never match
/// a keyword.
std::string normalize_keyword_text(std::string_view text);

/// A tenant's keyword lists. The defaults are German and English.
struct KeywordLists {
  std::vector<std::string> stop;
  std::vector<std::string> start;
  std::vector<std::string> help;
  std::vector<std::string> confirm;

  /// STOP, STOPP, ABMELDEN, ABBESTELLEN, UNSUBSCRIBE, CANCEL, END, QUIT; START, ANMELDEN;
  /// HELP, HILFE; YES, JA.
  static KeywordLists defaults();
  std::vector<std::string>& of(KeywordKind kind);
  const std::vector<std::string>& of(KeywordKind kind) const;
};

struct KeywordMatch {
  KeywordKind kind = KeywordKind::stop;
  std::string keyword;  ///< as configured ("STOPP"), not as the sender typed it
};

inline constexpr std::size_t kMaxKeywordLength = 32;  ///< bytes, normalised
inline constexpr std::size_t kMaxKeywordsPerList = 50;

class KeywordMatcher {
 public:
  /// Fails with Errc::invalid_keyword (empty, longer than kMaxKeywordLength, control
  /// characters, more than kMaxKeywordsPerList in a list), Errc::duplicate_keyword (the
  /// same normalised keyword in two lists; twice in one list is harmless) or
  /// Errc::no_stop_keyword (opting out by SMS cannot be switched off).
  static Expected<KeywordMatcher> create(const KeywordLists& lists);
  /// The defaults; cannot fail.
  static const KeywordMatcher& standard();

  /// The keyword the whole text is, if any.
  std::optional<KeywordMatch> match(std::string_view text) const;

 private:
  KeywordMatcher() = default;
  std::unordered_map<std::string, KeywordMatch> keywords_;  // by normalised form
};

}  // namespace diskret::inbound
