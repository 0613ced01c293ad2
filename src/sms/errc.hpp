#pragma once
/// Error codes of the sms module.
#include <system_error>

namespace diskret::sms {

enum class Errc {
  ok = 0,
  empty_text,
  invalid_utf8,
  too_many_segments,
  invalid_sender,           ///< sender id is none of alphanumeric / short code / E.164
  sender_too_long,          ///< alphanumeric sender over 11 characters
  unencodable_sender,       ///< alphanumeric sender with characters outside GSM 03.38
  undecodable,              ///< inbound octets that do not decode in their data_coding
};

const std::error_category& sms_category() noexcept;
inline std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), sms_category()}; }

}  // namespace diskret::sms

template <>
struct std::is_error_code_enum<diskret::sms::Errc> : std::true_type {};
