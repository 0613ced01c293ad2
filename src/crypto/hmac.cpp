#include "crypto/hmac.hpp"

#include <sodium.h>

#include "core/hex.hpp"
#include "crypto/sodium_init.hpp"

namespace diskret::crypto {

HmacSha256 hmac_sha256(std::string_view key, std::string_view message) noexcept {
  detail::ensure_sodium();
  // The one-shot crypto_auth_hmacsha256 insists on a 32-byte key; init/update/final takes
  // any length and is plain RFC 2104 HMAC, which is what webhook receivers compute.
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  HmacSha256 out{};
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof state);
  return out;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  return to_hex(hmac_sha256(key, message));
}

}  // namespace diskret::crypto
