#include "inbound/mo_plan.hpp"

namespace diskret::inbound {

MoPlan plan_mo(const MoFacts& facts, const KeywordMatcher& keywords, const ReplyPolicy& policy,
               const ReplyTexts& texts) {
  MoPlan plan;
  plan.keyword = keywords.match(facts.text);
  if (!plan.keyword) return plan;
  const KeywordKind kind = plan.keyword->kind;
  // Effects need a number to act on; they hold even when no reply may go out (a STOP from
  // a number that is also one of ours still stops messages to it).
  if (facts.sender_is_phone) {
    plan.suppress = kind == KeywordKind::stop;
    plan.unsuppress = kind == KeywordKind::start;
    plan.confirm_consent = kind == KeywordKind::confirm;
    if (plan.suppress) plan.audit_action = kAuditOptOut;
    if (plan.unsuppress) plan.audit_action = kAuditOptIn;
  }
  const std::string& text = texts.for_kind(kind);
  plan.reply = policy.decide(
      ReplyQuery{kind, facts.sender_is_phone, facts.sender_is_own_number, !text.empty()},
      facts.replies);
  if (plan.reply == ReplyVerdict::send) plan.reply_text = text;
  return plan;
}

}  // namespace diskret::inbound
