#pragma once
/// KeyVault: the privacy operations on the key store (keys.db) beside what the Store does
/// there: keys of platform services, the erasure log, destroyed tenants, audit anchors and
/// master key rotation. Destroying a key here is what makes data unreadable in every copy
/// of diskret.db, backups included (crypto-shredding). No personal data: people are blind
/// indexes. Each call is its own transaction on keys.db.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "store/records.hpp"

namespace diskret::store {

/// A key of a platform service, wrapped by the master key.
struct ServiceKeyRecord {
  std::string name;  ///< "audit-signing", "backup", "apikey-pepper"
  std::uint32_t version = 1;
  std::string master_key_id;
  std::string wrapped;
  std::string public_key;  ///< for signing keys; empty otherwise
  std::int64_t created_at_ms = 0;
};

struct ErasedSubjectRecord {
  std::uint64_t id = 0;  ///< order of erasure
  std::uint64_t tenant_id = 0;
  Blind blind{};
  std::int64_t erased_at_ms = 0;
  /// The person's destroyed subject keys: rows of older copies of diskret.db name the
  /// person by these.
  std::vector<std::uint64_t> subject_ids;
};

struct OffboardedTenantRecord {
  std::uint64_t tenant_id = 0;
  std::int64_t offboarded_at_ms = 0;
};

/// The newest signed checkpoint of one audit chain.
struct AuditAnchorRecord {
  std::uint64_t tenant_id = 0;
  std::uint64_t seq = 0;
  std::string hash;       ///< 32 bytes
  std::int64_t at_ms = 0;
  std::string key_id;
  std::string signature;  ///< 64 bytes
};

struct DestroyedKeys {
  std::vector<std::uint64_t> subject_ids;  ///< subject keys destroyed now (empty if done before)
  std::uint64_t tenant_keys = 0;           ///< tenant key versions destroyed
  /// The key store's log was checkpointed and truncated: no copy of the destroyed keys is
  /// left in keys.db or keys.db-wal. False while a reader held an old snapshot; the next
  /// destruction or rotation retries.
  bool log_truncated = false;
};

/// A wrapped key as rotation meets it.
struct WrappedKey {
  enum class Kind : std::uint8_t { tenant, service } kind = Kind::tenant;
  std::uint64_t tenant_id = 0;  ///< kind tenant
  std::string name;             ///< kind service
  std::uint32_t version = 0;
  std::string master_key_id;
  std::string wrapped;
};

/// Rotation's work on one key: unwrap with the old master key, wrap with the new one.
using Rewrap = std::function<Expected<std::string>(const WrappedKey& key)>;

struct RotationResult {
  std::uint64_t tenant_keys = 0;
  std::uint64_t service_keys = 0;
};

class KeyVault {
 public:
  virtual ~KeyVault() = default;

  // Service keys.
  /// The newest version of a service key.
  virtual Expected<std::optional<ServiceKeyRecord>> service_key(std::string_view name) = 0;
  virtual Expected<std::vector<ServiceKeyRecord>> service_key_versions(std::string_view name) = 0;
  /// Inserts unless (name, version) exists; returns the stored record, so that of two
  /// processes creating the same key at once both use the one that won.
  virtual Expected<ServiceKeyRecord> insert_service_key(const ServiceKeyRecord& key) = 0;

  // Erasure and offboarding.
  /// Records the erasure of (tenant, blind) and destroys the person's subject key(s).
  /// Idempotent: a second call destroys nothing and keeps the first erasure time.
  virtual Expected<DestroyedKeys> destroy_subject(std::uint64_t tenant, const Blind& blind,
                                                  std::int64_t at_ms) = 0;
  virtual Expected<std::optional<ErasedSubjectRecord>> erased_subject(std::uint64_t tenant,
                                                                      const Blind& blind) = 0;
  /// In erasure order, ids strictly above `after_id`.
  virtual Expected<std::vector<ErasedSubjectRecord>> erased_subjects(std::uint64_t after_id,
                                                                     std::size_t limit) = 0;
  /// Destroys the tenant's data key(s) and every subject key of the tenant. Idempotent.
  virtual Expected<DestroyedKeys> destroy_tenant(std::uint64_t tenant, std::int64_t at_ms) = 0;
  virtual Expected<std::vector<OffboardedTenantRecord>> offboarded_tenants() = 0;
  /// The highest tenant id the key store knows (keys or offboarding); 0 if none.
  virtual Expected<std::uint64_t> max_tenant_id() = 0;

  // Audit anchors.
  /// Stores `anchor` unless the chain's anchor is at a higher seq already.
  virtual Expected<void> advance_anchor(const AuditAnchorRecord& anchor) = 0;
  /// Replaces the chain's anchor whatever it was (restore of an older trail).
  virtual Expected<void> replace_anchor(const AuditAnchorRecord& anchor) = 0;
  virtual Expected<void> remove_anchor(std::uint64_t tenant) = 0;
  virtual Expected<std::vector<AuditAnchorRecord>> anchors() = 0;

  // Master key.
  /// The id recorded as current (newest activation), if any.
  virtual Expected<std::optional<std::string>> current_master_key_id() = 0;
  /// Records `key_id` as in force (idempotent).
  virtual Expected<void> record_master_key(const std::string& key_id, std::int64_t at_ms) = 0;
  /// In one transaction: every tenant and service key wrapped under a master key other than
  /// `new_id` goes through `rewrap` and is stored under `new_id`; `new_id` becomes current.
  /// All or nothing: the first failure rolls everything back.
  virtual Expected<RotationResult> rewrap_all(const std::string& new_id, const Rewrap& rewrap,
                                              std::int64_t at_ms) = 0;
};

}  // namespace diskret::store
