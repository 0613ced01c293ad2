#pragma once
/// Error codes of the contacts module: whole-input failures of a CSV import and invalid
/// contact, consent or opt-out input. Per-row problems of an import are RowErrors instead.
#include <system_error>

namespace diskret::contacts {

enum class Errc {
  ok = 0,
  empty_input,      ///< no header row
  not_utf8,         ///< UTF-16/32 file or invalid UTF-8 in the header
  bad_header,       ///< duplicate, unknown consent_* or unnamed-but-used columns
  no_phone_column,  ///< no column maps to the phone number
  too_many_rows,
  too_many_columns,
  invalid_field,         ///< a contact field failed validation (detail names it)
  invalid_consent,       ///< consent record incomplete or inconsistent
  not_pending,           ///< double opt-in confirmation without a pending request
  confirmation_expired,  ///< double opt-in reply after the request's validity
  no_opt_out_text,       ///< marketing text without instruction and no tenant text to append
  permission_denied,     ///< role may not do this
  suppressed,            ///< the number opted out: nothing may be sent to it
  last_owner,            ///< a tenant keeps at least one owner
};

const std::error_category& contacts_category() noexcept;
inline std::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), contacts_category()};
}

}  // namespace diskret::contacts

template <>
struct std::is_error_code_enum<diskret::contacts::Errc> : std::true_type {};
