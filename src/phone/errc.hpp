#pragma once
/// Why a phone number was refused; messages are libphonenumber's reasons in plain words.
#include <system_error>

namespace diskret::phone {

enum class Errc {
  ok = 0,
  invalid_country_code,    ///< "invalid country code"
  not_a_number,            ///< "not a phone number"
  too_short_after_idd,     ///< "too short after the international prefix"
  too_short_nsn,           ///< "national number too short"
  too_long,                ///< "number too long"
  invalid_number,          ///< parses but is not a valid number for its region
  unknown_region,          ///< default region is not a known ISO 3166 code
};

const std::error_category& phone_category() noexcept;
inline std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), phone_category()}; }

}  // namespace diskret::phone

template <>
struct std::is_error_code_enum<diskret::phone::Errc> : std::true_type {};
