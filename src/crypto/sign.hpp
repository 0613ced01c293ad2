#pragma once
/// Ed25519 signatures (libsodium crypto_sign): signed audit checkpoints that anyone holding
/// the public key can check, without being able to forge one.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "crypto/secret.hpp"

namespace diskret::crypto {

using Signature = std::array<std::uint8_t, 64>;

/// The public half of a signing key. Not secret: it may be printed, exported and pinned.
struct SigningPublicKey {
  std::array<std::uint8_t, 32> bytes{};

  /// Short, stable name of the key: the first 16 hex digits of SHA-256(public key).
  std::string id() const;
  std::string hex() const;
  /// From 64 hex digits; Errc::malformed otherwise.
  static Expected<SigningPublicKey> from_hex(std::string_view hex);
  friend bool operator==(const SigningPublicKey&, const SigningPublicKey&) = default;
};

/// An Ed25519 key pair made from a 32-byte seed. Only the seed needs storing (wrapped like
/// any other key); the expanded secret is wiped when the object is destroyed.
class SigningKey {
 public:
  static SigningKey generate();
  static SigningKey from_seed(const SecretKey& seed);
  ~SigningKey();
  SigningKey(const SigningKey&) = default;
  SigningKey& operator=(const SigningKey&) = default;

  const SecretKey& seed() const noexcept { return seed_; }
  const SigningPublicKey& public_key() const noexcept { return public_; }
  /// Detached signature of `message`.
  Signature sign(std::string_view message) const;

 private:
  SigningKey() = default;
  SecretKey seed_;
  SigningPublicKey public_;
  std::array<std::uint8_t, 64> secret_{};
};

/// True when `signature` is a valid signature of `message` under `key`.
bool verify_signature(const SigningPublicKey& key, std::string_view message,
                      const Signature& signature) noexcept;

}  // namespace diskret::crypto
