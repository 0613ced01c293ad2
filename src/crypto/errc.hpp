#pragma once
/// Error codes of the crypto module.
#include <system_error>

namespace diskret::crypto {

enum class Errc {
  ok = 0,
  authentication_failed,   ///< wrong key, wrong associated data or modified ciphertext
  malformed,               ///< too short / wrong length
  key_file_permissions,    ///< key file readable by group or others
  key_file_invalid,
  password_mismatch,
};

const std::error_category& crypto_category() noexcept;
inline std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), crypto_category()}; }

}  // namespace diskret::crypto

template <>
struct std::is_error_code_enum<diskret::crypto::Errc> : std::true_type {};
