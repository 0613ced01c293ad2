#include "crypto/sign.hpp"

#include <sodium.h>

#include "core/hex.hpp"
#include "crypto/digest.hpp"
#include "crypto/errc.hpp"
#include "crypto/sodium_init.hpp"

namespace diskret::crypto {

static_assert(crypto_sign_PUBLICKEYBYTES == 32);
static_assert(crypto_sign_SECRETKEYBYTES == 64);
static_assert(crypto_sign_SEEDBYTES == SecretKey::kSize);
static_assert(crypto_sign_BYTES == std::tuple_size_v<Signature>);

std::string SigningPublicKey::id() const {
  auto digest = sha256(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  return to_hex(std::span<const std::uint8_t>(digest.data(), 8));
}

std::string SigningPublicKey::hex() const { return to_hex(bytes); }

Expected<SigningPublicKey> SigningPublicKey::from_hex(std::string_view hex) {
  auto raw = diskret::from_hex(hex);
  if (!raw || raw->size() != 32) return fail(Errc::malformed, "a public key is 64 hex digits");
  SigningPublicKey key;
  std::copy(raw->begin(), raw->end(), key.bytes.begin());
  return key;
}

SigningKey SigningKey::generate() { return from_seed(SecretKey::generate()); }

SigningKey SigningKey::from_seed(const SecretKey& seed) {
  detail::ensure_sodium();
  SigningKey key;
  key.seed_ = seed;
  crypto_sign_seed_keypair(key.public_.bytes.data(), key.secret_.data(), seed.data());
  return key;
}

SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

Signature SigningKey::sign(std::string_view message) const {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret_.data());
  return sig;
}

bool verify_signature(const SigningPublicKey& key, std::string_view message,
                      const Signature& signature) noexcept {
  detail::ensure_sodium();
  return crypto_sign_verify_detached(signature.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.bytes.data()) == 0;
}

}  // namespace diskret::crypto
