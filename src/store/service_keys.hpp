#pragma once
/// ServiceKeys: the platform's own keys in the key store, created on first use and wrapped
/// by the master key (rewrapped on rotation): the backup key (wraps each backup's file
/// key), the audit signing key (Ed25519, signs checkpoints) and the API key pepper.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "crypto/secret.hpp"
#include "crypto/sign.hpp"
#include "store/key_vault.hpp"
#include "store/master_key_holder.hpp"

namespace diskret::store {

inline constexpr std::string_view kBackupKeyName = "backup";
inline constexpr std::string_view kAuditSigningKeyName = "audit-signing";
inline constexpr std::string_view kApiKeyPepperName = "apikey-pepper";

class ServiceKeys {
 public:
  ServiceKeys(KeyVault& vault, MasterKeyHolder& master, const Clock& clock)
      : vault_(vault), master_(master), clock_(clock) {}

  /// The backup key in use and its id ("backup-v<version>").
  struct NamedKey {
    std::string id;
    crypto::SecretKey key;
  };
  Expected<NamedKey> backup_key();
  /// A backup key by id, for restores; Errc::not_found if the key store lacks it.
  Expected<crypto::SecretKey> backup_key(std::string_view id);

  Expected<crypto::SigningKey> audit_signing_key();
  /// Every audit signing key ever used (public halves), to verify old checkpoints.
  Expected<std::vector<crypto::SigningPublicKey>> audit_public_keys();

  /// The pepper of API key hashes. Created as derive_key(master, 2, "apikeypp"), what
  /// KeyRing used before it was stored, so existing hashes stay valid; from then on it
  /// survives master key rotation.
  Expected<crypto::SecretKey> api_key_pepper();

  /// Creates every service key that does not exist yet (before a rotation).
  Expected<void> ensure_all();

  /// Associated data of a service key's wrapping under master key `master_key_id`.
  static std::string wrap_ad(std::string_view name, std::uint32_t version,
                             std::string_view master_key_id);

 private:
  /// The newest version of `name`; when there is none, `fresh` (with `public_key`) is
  /// stored as version 1, unless another process stored one first.
  Expected<std::pair<crypto::SecretKey, std::uint32_t>> get_or_create(std::string_view name,
                                                                      const crypto::SecretKey& fresh,
                                                                      const std::string& public_key);
  Expected<crypto::SecretKey> unwrap(const ServiceKeyRecord& record);

  KeyVault& vault_;
  MasterKeyHolder& master_;
  const Clock& clock_;
};

}  // namespace diskret::store
