#pragma once
/// Card data rules as pure functions: Luhn check digit, brand by IIN range, allowed
/// lengths per brand, expiry against an injected clock, CVC length. Validation returns
/// every field error at once, so the card form can mark all wrong fields.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "vault/sensitive.hpp"

namespace diskret::vault {

enum class Brand { visa, mastercard, amex, discover, jcb, diners, unionpay, maestro };

/// "visa", "mastercard", "amex", "discover", "jcb", "diners", "unionpay", "maestro".
std::string_view brand_name(Brand brand) noexcept;
std::optional<Brand> parse_brand(std::string_view name) noexcept;

/// The brand whose IIN range the leading digits fall in; nullopt for an unknown range.
/// Needs only the first six digits; longer input is fine.
std::optional<Brand> brand_of(std::string_view digits) noexcept;
/// Luhn (mod 10) check over a string of digits; false for empty or non-digit input.
bool luhn_valid(std::string_view digits) noexcept;
/// Whether a PAN of `length` digits exists for the brand (Visa 13/16/19, Amex 15, ...).
bool length_allowed(Brand brand, std::size_t length) noexcept;
/// Digits of the card verification code: 4 for Amex, 3 otherwise.
std::size_t cvc_length(Brand brand) noexcept;

/// One invalid field: `field` is a request field name, `reason` a sentence fragment
/// ("is required", "fails the check digit"). Never contains the value.
struct CardFieldError {
  std::string field;
  std::string reason;
  friend bool operator==(const CardFieldError&, const CardFieldError&) = default;
};
using CardFieldErrors = std::vector<CardFieldError>;

/// Raw input as the form sends it. Months and years arrive as integers (the handler
/// converts strings of digits); nullopt means missing or not a number.
struct CardInput {
  std::string_view number;  ///< digits, spaces and dashes allowed between them
  std::optional<std::int64_t> exp_month;
  std::optional<std::int64_t> exp_year;  ///< 4 digits, or 2 meaning 20YY
  std::string_view cvc;
  std::string_view holder;
};

/// A card that passed every rule. PAN and CVC live in wiped buffers only.
struct ValidCard {
  SensitiveDigits pan;
  SensitiveDigits cvc;
  Brand brand = Brand::visa;
  int exp_month = 1;
  int exp_year = 2000;
  std::string holder;

  std::string_view first6() const noexcept { return pan.view().substr(0, 6); }
  std::string_view last4() const noexcept { return pan.view().substr(pan.size() - 4); }
};

inline constexpr std::size_t kMaxHolderLength = 100;
inline constexpr int kMaxYearsAhead = 20;  ///< expiry further out than this is a typo

/// Validates everything and returns the card, or every field error found (in field
/// order: number, exp_month, exp_year, cvc, holder).
Expected<ValidCard, CardFieldErrors> validate_card(const CardInput& input, const Clock& clock);

/// Whether a card valid through the end of (month, year) is expired at `now` (UTC).
bool is_expired(int exp_month, int exp_year, SystemTime now) noexcept;

}  // namespace diskret::vault
