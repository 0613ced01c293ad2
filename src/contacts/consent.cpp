#include "contacts/consent.hpp"

#include <string>

#include "contacts/errc.hpp"
#include "contacts/text_checks.hpp"

namespace diskret::contacts {
namespace {

// "Web-Form", "web form", "WEB_FORM" -> "web_form".
std::string source_key(std::string_view text) {
  std::string key;
  for (char c : trim(text)) {
    if (c == ' ' || c == '-' || c == '_') {
      if (!key.empty() && key.back() != '_') key += '_';
    } else {
      key += c;
    }
  }
  return ascii_lower(key);
}

}  // namespace

const char* consent_source_name(ConsentSource s) noexcept {
  switch (s) {
    case ConsentSource::web_form:
      return "web_form";
    case ConsentSource::paper:
      return "paper";
    case ConsentSource::sms_keyword:
      return "sms_keyword";
    case ConsentSource::import:
      return "import";
    case ConsentSource::api:
      return "api";
  }
  return "api";
}

std::optional<ConsentSource> parse_consent_source(std::string_view text) {
  const std::string key = source_key(text);
  for (auto s : {ConsentSource::web_form, ConsentSource::paper, ConsentSource::sms_keyword,
                 ConsentSource::import, ConsentSource::api}) {
    if (key == consent_source_name(s)) return s;
  }
  return std::nullopt;
}

std::vector<FieldError> validate_consent(const Consent& c, SystemTime now,
                                         std::string_view prefix) {
  std::vector<FieldError> errors;
  const auto add = [&](std::string_view field, std::string reason) {
    errors.push_back({std::string(prefix) + std::string(field), std::move(reason)});
  };
  if (c.purpose != kMarketingPurpose) add("purpose", "must be \"marketing\"");
  if (trim(c.wording).empty()) {
    add("wording", "required: the text the person agreed to");
  } else if (!valid_utf8(c.wording) || has_control(c.wording, true)) {
    add("wording", "must be UTF-8 text without control characters");
  } else if (c.wording.size() > kMaxWordingBytes) {
    add("wording", "longer than " + std::to_string(kMaxWordingBytes) + " bytes");
  }
  const bool pending = c.double_opt_in_requested_at && !c.double_opt_in_confirmed_at;
  if (!c.obtained_at && !pending) add("obtained_at", "required: when consent was given");
  if (c.obtained_at && *c.obtained_at > now) add("obtained_at", "lies in the future");
  if (c.double_opt_in_requested_at && *c.double_opt_in_requested_at > now) {
    add("double_opt_in_requested_at", "lies in the future");
  }
  if (const auto& confirmed = c.double_opt_in_confirmed_at) {
    if (*confirmed > now) add("confirmed_at", "lies in the future");
    if (c.obtained_at && *confirmed < *c.obtained_at) {
      add("confirmed_at", "lies before obtained_at");
    }
    if (c.double_opt_in_requested_at && *confirmed < *c.double_opt_in_requested_at) {
      add("confirmed_at", "lies before the double opt-in request");
    }
  }
  return errors;
}

const char* consent_state_name(ConsentState s) noexcept {
  switch (s) {
    case ConsentState::none:
      return "none";
    case ConsentState::awaiting_confirmation:
      return "awaiting_confirmation";
    case ConsentState::granted:
      return "granted";
    case ConsentState::withdrawn:
      return "withdrawn";
  }
  return "none";
}

ConsentState marketing_consent(const std::optional<Consent>& c) noexcept {
  if (!c || c->purpose != kMarketingPurpose) return ConsentState::none;
  if (c->withdrawn_at) return ConsentState::withdrawn;
  if (c->double_opt_in_requested_at) {
    const auto& confirmed = c->double_opt_in_confirmed_at;
    if (!confirmed || *confirmed < *c->double_opt_in_requested_at) {
      return ConsentState::awaiting_confirmation;
    }
  }
  return c->obtained_at ? ConsentState::granted : ConsentState::none;
}

Consent start_double_opt_in(std::string request_wording, SystemTime now) {
  Consent c;
  c.purpose = std::string(kMarketingPurpose);
  c.source = ConsentSource::sms_keyword;
  c.wording = std::move(request_wording);
  c.double_opt_in_requested_at = now;
  return c;
}

bool is_confirmation_reply(std::string_view text, const DoubleOptInSettings& settings) {
  std::string_view t = trim(text);
  while (!t.empty() && (t.back() == '.' || t.back() == '!')) t = trim(t.substr(0, t.size() - 1));
  if (t.empty()) return false;
  const std::string upper = ascii_upper(t);
  for (const auto& keyword : settings.confirm_keywords) {
    if (upper == ascii_upper(trim(keyword))) return true;
  }
  return false;
}

Expected<Consent> confirm_double_opt_in(const Consent& pending, SystemTime now,
                                        const DoubleOptInSettings& settings) {
  if (marketing_consent(pending) != ConsentState::awaiting_confirmation) {
    return fail(Errc::not_pending, "no double opt-in awaits confirmation for this contact");
  }
  if (now - *pending.double_opt_in_requested_at > settings.validity) {
    return fail(Errc::confirmation_expired,
                "the double opt-in request is older than its validity; start a new one");
  }
  Consent confirmed = pending;
  confirmed.double_opt_in_confirmed_at = now;
  confirmed.obtained_at = now;
  return confirmed;
}

}  // namespace diskret::contacts
