#pragma once
/// Tenant-defined DLP patterns (e.g. a customer number format): named regular expressions
/// (PCRE2 syntax, UTF-8) compiled once and run with a match limit so that no pattern can
/// stall a sending path. The matched text is never returned, only where it is.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "dlp/detector.hpp"

namespace diskret::dlp {

inline constexpr std::size_t kMaxPatterns = 20;
inline constexpr std::size_t kMaxPatternLength = 200;

struct PatternSpec {
  std::string name;   ///< [a-z0-9_], 1..32 characters; named in rejections
  std::string regex;  ///< PCRE2, at most kMaxPatternLength bytes
  friend bool operator==(const PatternSpec&, const PatternSpec&) = default;
};

class PatternSet {
 public:
  PatternSet();
  ~PatternSet();
  PatternSet(PatternSet&&) noexcept;
  PatternSet& operator=(PatternSet&&) noexcept;

  /// Fails (Errc::invalid_argument) naming the first bad pattern: a bad name, a duplicate,
  /// too long, too many, one that does not compile or that matches the empty string.
  static Expected<PatternSet> compile(const std::vector<PatternSpec>& specs);

  bool empty() const noexcept;
  /// Non-overlapping matches of every pattern, Kind::custom with the pattern's name. A
  /// pattern that hits the match limit on this text counts as a match (fail closed).
  void find(std::string_view text, std::vector<Finding>& out) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace diskret::dlp
