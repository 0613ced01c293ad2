#pragma once
/// Error codes of the vault client.
#include <system_error>

namespace diskret::vault_client {

enum class Errc {
  ok = 0,
  unreachable = 1,      ///< connect/send/receive failed or timed out
  protocol = 2,         ///< the answer is not the HTTP/JSON the vault sends
  unauthenticated = 3,  ///< 401: secrets differ, clock skew or replay
  not_found = 4,        ///< 404: no such card for this owner
  conflict = 5,         ///< 409: idempotency key reused for a different charge
  invalid = 6,          ///< 422: the vault rejected a field
  vault_error = 7,      ///< any other non-success status
};

const std::error_category& vault_client_category() noexcept;
inline std::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), vault_client_category()};
}

}  // namespace diskret::vault_client

template <>
struct std::is_error_code_enum<diskret::vault_client::Errc> : std::true_type {};
