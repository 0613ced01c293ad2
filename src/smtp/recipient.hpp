#pragma once
/// Mail addresses of the email-to-SMS gateway: `<number>@<sms_domain>` -> number text.
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace diskret::smtp {

/// A mailbox split at its last '@'. The local part is unquoted ("a b"@x -> a b).
struct Mailbox {
  std::string local_part;
  std::string domain;  ///< as written; compare with domain_matches()
};

/// "local@domain" (no angle brackets). Errc::malformed_address when there is no '@', an
/// empty side, a control character or an unterminated quoted string.
Expected<Mailbox> parse_mailbox(std::string_view address);

/// Case-insensitive comparison that ignores one trailing dot ("SMS.Example.com." matches).
bool domain_matches(std::string_view domain, std::string_view sms_domain);

/// The local part as a number text for the backend: an optional leading '+' and digits;
/// spaces, '-', '.', '/' and parentheses between digits are dropped. Errc::not_a_number
/// (with the reason) for letters, a misplaced '+', or fewer than 3 / more than 20 digits.
Expected<std::string> number_text(std::string_view local_part);

/// parse_mailbox + domain_matches + number_text: Errc::foreign_domain when the domain is
/// not `sms_domain`.
Expected<std::string> sms_recipient(std::string_view address, std::string_view sms_domain);

}  // namespace diskret::smtp
