#pragma once
/// Screener: a tenant's DLP rules (policy + compiled patterns) applied to one text. Pure
/// apart from the compiled patterns; the front ends (API, campaigns, SMTP, SMPP server)
/// ask a ContentGuard, which caches one Screener per tenant.
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "dlp/detector.hpp"
#include "dlp/patterns.hpp"

namespace diskret::dlp {

/// What happens to a text with findings: refused per recipient (default), sent with every
/// finding masked except its last four characters, or sent as written.
enum class Policy : std::uint8_t { reject, mask, allow };

const char* policy_name(Policy p) noexcept;           ///< "reject" / "mask" / "allow"
Expected<Policy> parse_policy(std::string_view name);  ///< the inverse; fails on others

struct Rules {
  Policy policy = Policy::reject;
  std::vector<PatternSpec> patterns;
};

enum class Action : std::uint8_t { pass, rejected, masked, allowed };
const char* action_name(Action a) noexcept;  ///< "pass", "rejected", "masked", "allowed"

struct Verdict {
  Action action = Action::pass;
  std::vector<Finding> findings;  ///< in text order, overlaps removed
  std::string text;               ///< the masked text for Action::masked; else empty (send as is)
  /// "card_number", "iban, custom:order_no": the kinds found, for a rejection reason.
  std::string kinds() const;
};

/// Replaces the letters and digits of each finding, except its last four, with '*';
/// separators stay ("**** **** **** 1111").
std::string mask(std::string_view text, const std::vector<Finding>& findings);

class Screener {
 public:
  Screener() = default;
  static Expected<Screener> compile(const Rules& rules);

  Policy policy() const noexcept { return policy_; }
  /// Built-in detectors (after a cheap pre-check), then the tenant's patterns.
  std::vector<Finding> find(std::string_view text) const;
  /// find() and the policy: the action and the text to send.
  Verdict screen(std::string_view text) const;

 private:
  Policy policy_ = Policy::reject;
  PatternSet patterns_;
};

}  // namespace diskret::dlp
