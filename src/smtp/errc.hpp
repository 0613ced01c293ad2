#pragma once
/// Why the email-to-SMS gateway refused an address or a message (smtp::Errc).
#include <system_error>

namespace diskret::smtp {

enum class Errc {
  ok = 0,
  malformed_address,  ///< not a mailbox (local@domain) at all
  foreign_domain,     ///< the domain is not the SMS domain: we do not relay
  not_a_number,       ///< the local part is not a phone number
  empty_text,         ///< after conversion nothing is left to send
  malformed_message,  ///< the MIME structure could not be parsed
  content_refused,    ///< the text breaks the tenant's content policy (card number, IBAN ...)
};

const std::error_category& smtp_category() noexcept;
inline std::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), smtp_category()};
}

}  // namespace diskret::smtp

template <>
struct std::is_error_code_enum<diskret::smtp::Errc> : std::true_type {};
