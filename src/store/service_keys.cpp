#include "store/service_keys.hpp"

#include <fmt/format.h>

#include "crypto/blind_index.hpp"
#include "crypto/secret_box.hpp"

namespace diskret::store {

std::string ServiceKeys::wrap_ad(std::string_view name, std::uint32_t version,
                                 std::string_view master_key_id) {
  return fmt::format("{}|{}", crypto::record_ad(0, "service_keys", version, name), master_key_id);
}

Expected<crypto::SecretKey> ServiceKeys::unwrap(const ServiceKeyRecord& r) {
  auto kek = master_.key_for(r.master_key_id);
  if (!kek) return unexpected(kek.error());
  auto key = crypto::unwrap_key(*kek, r.wrapped, wrap_ad(r.name, r.version, r.master_key_id));
  if (!key) return fail(Errc::corrupt, fmt::format("the {} key does not open", r.name));
  return key;
}

Expected<std::pair<crypto::SecretKey, std::uint32_t>> ServiceKeys::get_or_create(
    std::string_view name, const crypto::SecretKey& fresh, const std::string& public_key) {
  auto stored = vault_.service_key(name);
  if (!stored) return unexpected(stored.error());
  if (!*stored) {
    const auto master = master_.current();
    ServiceKeyRecord r;
    r.name = name;
    r.version = 1;
    r.master_key_id = master.id;
    r.wrapped = crypto::wrap_key(master.key, fresh, wrap_ad(name, 1, master.id));
    r.public_key = public_key;
    r.created_at_ms = clock_.now_ms();
    auto winner = vault_.insert_service_key(r);
    if (!winner) return unexpected(winner.error());
    *stored = std::move(*winner);
  }
  auto key = unwrap(**stored);
  if (!key) return unexpected(key.error());
  return std::pair{*key, (*stored)->version};
}

Expected<ServiceKeys::NamedKey> ServiceKeys::backup_key() {
  auto key = get_or_create(kBackupKeyName, crypto::SecretKey::generate(), "");
  if (!key) return unexpected(key.error());
  return NamedKey{fmt::format("backup-v{}", key->second), key->first};
}

Expected<crypto::SecretKey> ServiceKeys::backup_key(std::string_view id) {
  auto versions = vault_.service_key_versions(kBackupKeyName);
  if (!versions) return unexpected(versions.error());
  for (const auto& r : *versions) {
    if (fmt::format("backup-v{}", r.version) == id) return unwrap(r);
  }
  return fail(Errc::not_found, fmt::format("the key store has no backup key {}", id));
}

Expected<crypto::SigningKey> ServiceKeys::audit_signing_key() {
  auto fresh = crypto::SigningKey::generate();
  const auto& pub = fresh.public_key().bytes;
  auto seed = get_or_create(kAuditSigningKeyName, fresh.seed(),
                            std::string(reinterpret_cast<const char*>(pub.data()), pub.size()));
  if (!seed) return unexpected(seed.error());
  return crypto::SigningKey::from_seed(seed->first);
}

Expected<std::vector<crypto::SigningPublicKey>> ServiceKeys::audit_public_keys() {
  auto versions = vault_.service_key_versions(kAuditSigningKeyName);
  if (!versions) return unexpected(versions.error());
  std::vector<crypto::SigningPublicKey> out;
  for (const auto& r : *versions) {
    if (r.public_key.size() != 32) return fail(Errc::corrupt, "an audit public key is malformed");
    crypto::SigningPublicKey k;
    std::copy(r.public_key.begin(), r.public_key.end(), k.bytes.begin());
    out.push_back(k);
  }
  return out;
}

Expected<crypto::SecretKey> ServiceKeys::api_key_pepper() {
  auto key = get_or_create(kApiKeyPepperName,
                           crypto::derive_key(master_.current().key, 2, "apikeypp"), "");
  if (!key) return unexpected(key.error());
  return key->first;
}

Expected<void> ServiceKeys::ensure_all() {
  if (auto k = api_key_pepper(); !k) return unexpected(k.error());
  if (auto k = backup_key(); !k) return unexpected(k.error());
  if (auto k = audit_signing_key(); !k) return unexpected(k.error());
  return {};
}

}  // namespace diskret::store
