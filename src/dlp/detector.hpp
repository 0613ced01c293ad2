#pragma once
/// Data-loss prevention: finds payment card numbers (13-19 digits, spaces or dashes between
/// groups, Luhn-valid, in a known IIN range) and IBANs (country length, mod-97) in a message
/// text, and tenant-defined patterns (patterns.hpp). Pure; a finding carries the position
/// and kind, never a copy of the value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace diskret::dlp {

enum class Kind : std::uint8_t { card_number, iban, custom };

/// "card_number", "iban", "custom".
const char* kind_name(Kind k) noexcept;

struct Finding {
  Kind kind = Kind::card_number;
  std::size_t offset = 0;  ///< byte offset of the match in the text
  std::size_t length = 0;  ///< bytes, separators included
  std::string pattern;     ///< the tenant pattern's name for Kind::custom, else empty
  friend bool operator==(const Finding&, const Finding&) = default;
};

/// Cheap pre-check for the hot path: false when the text has neither a run of at least 13
/// digits (single spaces or dashes allowed between them) nor an IBAN-shaped token
/// (two letters, two digits). Then find_builtin() would find nothing.
bool may_contain_builtin(std::string_view text) noexcept;

/// Card numbers and IBANs, in text order.
std::vector<Finding> find_builtin(std::string_view text);

/// Luhn check over a string of ASCII digits.
bool luhn_valid(std::string_view digits) noexcept;
/// Whether `digits` (13-19 ASCII digits) starts in an issuer range that has cards of that
/// length (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro, Mir).
bool known_card_range(std::string_view digits) noexcept;
/// The IBAN length of an ISO country code ("DE" -> 22), 0 when the country has no IBAN.
std::size_t iban_length(std::string_view country) noexcept;
/// ISO 13616 mod-97 check of an IBAN without spaces (upper- or lowercase letters).
bool iban_valid(std::string_view iban) noexcept;

}  // namespace diskret::dlp
