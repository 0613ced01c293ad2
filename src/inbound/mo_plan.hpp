#pragma once
/// What diskret does with one mobile-originated message once it knows the tenant: the
/// business rules as a pure function, so that the storage code only carries them out.
///   STOP    -> suppress the sender at once, audit, confirm by SMS (even though suppressed)
///   START   -> lift the sender's keyword suppression, audit, confirm by SMS
///   HELP    -> answer with the tenant's help text
///   CONFIRM -> hand to double opt-in (contacts), answer with the confirmation text
/// Replies obey the ReplyPolicy (never to our own numbers, rate-limited).
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "inbound/keyword_matcher.hpp"
#include "inbound/reply_policy.hpp"

namespace diskret::inbound {

/// Audit actions written for keyword effects (the names of audit/actions.hpp).
inline constexpr std::string_view kAuditOptOut = "suppression.added";
inline constexpr std::string_view kAuditOptIn = "suppression.removed";

struct MoFacts {
  std::string_view text;               ///< UTF-8 as received
  bool sender_is_phone = false;        ///< the sender parsed as E.164
  bool sender_is_own_number = false;   ///< the sender is a number assigned to any tenant
  std::span<const PastReply> replies;  ///< earlier keyword replies to this sender
};

struct MoPlan {
  std::optional<KeywordMatch> keyword;
  bool suppress = false;         ///< put the sender on the tenant's suppression list
  bool unsuppress = false;       ///< remove the sender's keyword suppression
  bool confirm_consent = false;  ///< a pending double opt-in may be confirmed
  std::optional<std::string_view> audit_action;
  ReplyVerdict reply = ReplyVerdict::no_text;
  std::string reply_text;  ///< set when reply == send
};

MoPlan plan_mo(const MoFacts& facts, const KeywordMatcher& keywords, const ReplyPolicy& policy,
               const ReplyTexts& texts);

}  // namespace diskret::inbound
