#include "crypto/password.hpp"

#include <sodium.h>

#include <array>
#include <new>

#include "core/hex.hpp"
#include "crypto/sodium_init.hpp"

namespace diskret::crypto {

std::string hash_password(std::string_view password) {
  detail::ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  // crypto_pwhash_str fails only when it cannot allocate its memory (MEMLIMIT_INTERACTIVE).
  if (crypto_pwhash_str(out.data(), password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw std::bad_alloc();
  }
  return std::string(out.data());
}

bool verify_password(std::string_view hash, std::string_view password) {
  // libsodium wants a NUL-terminated string that fits its fixed buffer.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  detail::ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> str{};
  std::copy(hash.begin(), hash.end(), str.begin());
  return crypto_pwhash_str_verify(str.data(), password.data(), password.size()) == 0;
}

std::string hash_secret(const SecretKey& pepper, std::string_view secret) {
  detail::ensure_sodium();
  std::array<std::uint8_t, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), pepper.data(), SecretKey::kSize);
  return to_hex(out);
}

}  // namespace diskret::crypto
