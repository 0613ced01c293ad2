#pragma once
/// Consent to marketing SMS (GDPR art. 7, UWG section 7): what was agreed to, how, with
/// which wording and when; double opt-in by SMS; the rule that decides whether a contact
/// may receive marketing. Pure code.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contacts/field_error.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"

namespace diskret::contacts {

/// The one purpose diskret knows: consent to receive marketing SMS.
inline constexpr std::string_view kMarketingPurpose = "marketing";
inline constexpr std::size_t kMaxWordingBytes = 2000;

enum class ConsentSource : std::uint8_t { web_form, paper, sms_keyword, import, api };
const char* consent_source_name(ConsentSource s) noexcept;  ///< "web_form" ...
/// Also accepts "web form", "Web-Form", "SMS keyword" ... (case, blank and hyphen free).
std::optional<ConsentSource> parse_consent_source(std::string_view text);

struct Consent {
  std::string purpose{kMarketingPurpose};
  ConsentSource source = ConsentSource::api;
  std::string wording;                    ///< the text the person agreed to, as shown
  std::optional<SystemTime> obtained_at;  ///< empty while a double opt-in awaits the reply
  std::optional<SystemTime> double_opt_in_requested_at;
  std::optional<SystemTime> double_opt_in_confirmed_at;
  std::optional<SystemTime> withdrawn_at;
  friend bool operator==(const Consent&, const Consent&) = default;
};

/// Checks a consent record given by a tenant (API or import): purpose "marketing", wording
/// present (an agreement must be demonstrable), obtained_at present and not in the future,
/// a confirmation not before the request nor the consent. Errors name the field as
/// `prefix` + "purpose" etc.
std::vector<FieldError> validate_consent(const Consent& c, SystemTime now,
                                         std::string_view prefix = "consent.");

enum class ConsentState : std::uint8_t {
  none,                   ///< no record: marketing not allowed
  awaiting_confirmation,  ///< double opt-in requested, no YES yet
  granted,                ///< marketing allowed
  withdrawn,
};
const char* consent_state_name(ConsentState s) noexcept;

/// The marketing rule: a record for purpose "marketing" with obtained_at, not withdrawn,
/// and, when a double opt-in was requested, confirmed after the request.
ConsentState marketing_consent(const std::optional<Consent>& c) noexcept;
inline bool allows_marketing(const std::optional<Consent>& c) noexcept {
  return marketing_consent(c) == ConsentState::granted;
}

// ---- double opt-in by SMS ----

struct DoubleOptInSettings {
  /// Replies that confirm; matched whole, case-insensitively, ignoring blanks and a
  /// trailing '.' or '!'.
  std::vector<std::string> confirm_keywords{"YES", "JA"};
  /// A YES arriving later than this after the request confirms nothing.
  std::chrono::hours validity{24 * 30};
};

/// The record a double opt-in starts with: purpose marketing, source sms_keyword, the
/// confirmation request as wording, requested_at = now, not yet obtained.
Consent start_double_opt_in(std::string request_wording, SystemTime now);

/// Whether an inbound text is a confirmation keyword.
bool is_confirmation_reply(std::string_view text, const DoubleOptInSettings& settings);

/// The record after a YES at `now`: confirmed_at = obtained_at = now. Fails with
/// Errc::not_pending when nothing awaits confirmation, Errc::confirmation_expired when
/// the request is older than the validity.
Expected<Consent> confirm_double_opt_in(const Consent& pending, SystemTime now,
                                        const DoubleOptInSettings& settings);

}  // namespace diskret::contacts
