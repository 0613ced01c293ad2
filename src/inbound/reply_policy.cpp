#include "inbound/reply_policy.hpp"

#include <fmt/format.h>

#include <utility>

namespace diskret::inbound {

ReplyTexts ReplyTexts::defaults(std::string_view tenant_display_name) {
  ReplyTexts t;
  t.stop = "Sie wurden abgemeldet. / You have been unsubscribed.";
  t.start = "Sie sind wieder angemeldet. Abmelden: STOP / You are subscribed again. Opt out: STOP";
  const std::string name =
      tenant_display_name.empty() ? std::string() : fmt::format("{}: ", tenant_display_name);
  t.help = fmt::format(
      "{}Abmelden: STOP, wieder anmelden: START. / {}Opt out: STOP, opt in: START.", name, name);
  t.confirm =
      "Danke, Ihre Anmeldung ist bestätigt. Abmelden: STOP / Thank you, confirmed. "
      "Opt out: STOP";
  return t;
}

const std::string& ReplyTexts::for_kind(KeywordKind kind) const {
  switch (kind) {
    case KeywordKind::stop:
      return stop;
    case KeywordKind::start:
      return start;
    case KeywordKind::help:
      return help;
    case KeywordKind::confirm:
      return confirm;
  }
  return stop;
}

std::string& ReplyTexts::for_kind(KeywordKind kind) {
  return const_cast<std::string&>(std::as_const(*this).for_kind(kind));
}

Expected<void> validate(const ReplyTexts& texts) {
  if (texts.stop.empty()) return fail(Errc::invalid_text, "The STOP reply text may not be empty.");
  for (auto kind :
       {KeywordKind::stop, KeywordKind::start, KeywordKind::help, KeywordKind::confirm}) {
    const std::string& text = texts.for_kind(kind);
    if (text.size() > kMaxReplyTextBytes) {
      return fail(Errc::invalid_text, fmt::format("The {} reply text is longer than {} bytes.",
                                                  keyword_kind_name(kind), kMaxReplyTextBytes));
    }
    for (unsigned char c : text) {
      if ((c < 0x20 && c != '\n' && c != '\r') || c == 0x7F) {
        return fail(Errc::invalid_text, fmt::format("The {} reply text holds control characters.",
                                                    keyword_kind_name(kind)));
      }
    }
  }
  return {};
}

const char* reply_verdict_name(ReplyVerdict v) noexcept {
  switch (v) {
    case ReplyVerdict::send:
      return "send";
    case ReplyVerdict::not_a_phone:
      return "not_a_phone";
    case ReplyVerdict::own_number:
      return "own_number";
    case ReplyVerdict::no_text:
      return "no_text";
    case ReplyVerdict::keyword_limit:
      return "keyword_limit";
    case ReplyVerdict::number_limit:
      return "number_limit";
  }
  return "?";
}

ReplyVerdict ReplyPolicy::decide(const ReplyQuery& query,
                                 std::span<const PastReply> history) const {
  // Loop guards first: they hold whatever the tenant configured.
  if (!query.sender_is_phone) return ReplyVerdict::not_a_phone;
  if (query.sender_is_own_number) return ReplyVerdict::own_number;
  if (!query.has_text) return ReplyVerdict::no_text;
  const SystemTime since = window_start();
  std::uint32_t same_kind = 0;
  std::uint32_t all = 0;
  for (const PastReply& r : history) {
    // A reply "from the future" (clock stepped back) still counts: better one reply too
    // few than a loop.
    if (r.at <= since) continue;
    ++all;
    if (r.kind == query.kind) ++same_kind;
  }
  if (same_kind >= rules_.max_per_keyword) return ReplyVerdict::keyword_limit;
  if (all >= rules_.max_per_number) return ReplyVerdict::number_limit;
  return ReplyVerdict::send;
}

}  // namespace diskret::inbound
