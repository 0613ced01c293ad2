#pragma once
/// Error codes of the card vault.
#include <system_error>

namespace diskret::vault {

enum class Errc {
  ok = 0,
  invalid_card = 1,         ///< field errors in the card data
  card_declined = 2,        ///< the acquirer refused the card check when storing
  not_found = 3,            ///< no such card (for this owner), or it was deleted
  idempotency_conflict = 4, ///< idempotency key reused with other charge parameters
  unauthenticated = 5,      ///< service call without a valid signature
  stale_request = 6,        ///< service call timestamp outside the allowed window
  replayed_request = 7,     ///< service call nonce seen before
  bad_form_link = 8,        ///< owner signature of the card form missing, wrong or expired
  acquirer_unavailable = 9, ///< the acquirer could not be reached; retry with the same key
  storage = 10,             ///< the vault database failed
  key_unavailable = 11,     ///< no data key can be unwrapped with the master key
  corrupt_audit = 12,       ///< the audit hash chain does not verify
};

const std::error_category& vault_category() noexcept;
inline std::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), vault_category()};
}

}  // namespace diskret::vault

template <>
struct std::is_error_code_enum<diskret::vault::Errc> : std::true_type {};
