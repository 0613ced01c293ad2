#pragma once
/// When diskret answers a keyword with an SMS, and with which text. Keyword replies are
/// transactional (they need no marketing consent, and a STOP confirmation goes out although
/// the number was just suppressed), but they must never loop with another machine and
/// never flood a number: at most one reply per number and keyword within a window, a
/// small cap over all keywords, and never a reply to one of diskret's own numbers.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "inbound/keyword_matcher.hpp"

namespace diskret::inbound {

struct ReplyRules {
  std::chrono::seconds window{std::chrono::hours{24}};
  std::uint32_t max_per_keyword = 1;  ///< replies per number and keyword kind per window
  std::uint32_t max_per_number = 3;   ///< replies per number over all kinds per window
};

/// The texts a tenant answers keywords with; empty: no reply for that kind.
struct ReplyTexts {
  std::string stop;
  std::string start;
  std::string help;
  std::string confirm;

  /// Bilingual German/English texts naming the tenant in HELP.
  static ReplyTexts defaults(std::string_view tenant_display_name);
  const std::string& for_kind(KeywordKind kind) const;
  std::string& for_kind(KeywordKind kind);
};

inline constexpr std::size_t kMaxReplyTextBytes = 480;  ///< three GSM segments at most

/// Fails with Errc::invalid_text when a text is longer than kMaxReplyTextBytes or holds
/// control characters other than line breaks. The STOP text may not be empty: a number
/// that opts out hears it worked (TKG/UWG practice, and what carriers require).
Expected<void> validate(const ReplyTexts& texts);

/// A reply sent earlier to the same number in the same tenant.
struct PastReply {
  KeywordKind kind = KeywordKind::stop;
  SystemTime at;
};

struct ReplyQuery {
  KeywordKind kind = KeywordKind::stop;
  bool sender_is_phone = false;       ///< the sender parsed as a phone number
  bool sender_is_own_number = false;  ///< assigned to any tenant: another diskret number
  bool has_text = false;              ///< the tenant has a text for this kind
};

enum class ReplyVerdict : std::uint8_t {
  send,
  not_a_phone,    ///< alphanumeric or short-code sender: cannot (and must not) be answered
  own_number,     ///< would loop between two of our numbers
  no_text,        ///< tenant switched this reply off
  keyword_limit,  ///< already answered this kind within the window
  number_limit,   ///< already answered this number max_per_number times within the window
};

const char* reply_verdict_name(ReplyVerdict v) noexcept;

class ReplyPolicy {
 public:
  explicit ReplyPolicy(const Clock& clock, ReplyRules rules = {}) : clock_(clock), rules_(rules) {}

  /// `history`: replies sent to this number in this tenant (older ones are ignored, so the
  /// caller may pass more than the window).
  ReplyVerdict decide(const ReplyQuery& query, std::span<const PastReply> history) const;
  /// Replies before this instant no longer count (what the caller needs to read).
  SystemTime window_start() const { return clock_.now() - rules_.window; }
  const ReplyRules& rules() const { return rules_; }

 private:
  const Clock& clock_;
  ReplyRules rules_;
};

}  // namespace diskret::inbound
