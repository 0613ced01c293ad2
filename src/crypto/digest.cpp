#include "crypto/digest.hpp"

#include <sodium.h>

#include "core/hex.hpp"
#include "crypto/sodium_init.hpp"

namespace diskret::crypto {

Sha256 sha256(std::string_view data) noexcept {
  detail::ensure_sodium();
  Sha256 out{};
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return out;
}

std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }

Sha256 hmac_sha256(const SecretKey& key, std::string_view message) noexcept {
  detail::ensure_sodium();
  // crypto_auth_hmacsha256 (the one-shot form) insists on a 32-byte key; the init/update
  // form takes any length and is plain RFC 2104 HMAC, which verifiers elsewhere expect.
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), SecretKey::kSize);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  Sha256 out{};
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof state);
  return out;
}

std::string hmac_sha256_hex(const SecretKey& key, std::string_view message) {
  return to_hex(hmac_sha256(key, message));
}

void secure_wipe(void* data, std::size_t size) noexcept {
  if (data != nullptr && size > 0) sodium_memzero(data, size);
}

}  // namespace diskret::crypto
