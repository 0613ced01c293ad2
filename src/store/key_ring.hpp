#pragma once
/// KeyRing: the envelope keys of diskret. master key -> tenant data key (one per tenant)
/// -> subject key (one per person, i.e. phone number within a tenant). Wrapped keys live
/// in the key store; unwrapped ones only in memory (tenant keys all, subject keys in a
/// bounded LRU).
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/expected.hpp"
#include "crypto/secret.hpp"
#include "store/master_key_holder.hpp"
#include "store/store.hpp"
#include "store/subject_cache.hpp"
#include "store/subject_filter.hpp"

namespace diskret::store {

struct TenantKeys {
  crypto::SecretKey data_key;
  crypto::SecretKey index_key;  ///< derive_key(data_key, 1, "blindidx")
};

struct SubjectKey {
  std::uint64_t subject_id = 0;
  crypto::SecretKey key;
};

class KeyRing {
 public:
  KeyRing(Store& store, crypto::SecretKey master_key, std::string master_key_id,
          std::size_t subject_cache_capacity = 50'000);

  /// A fresh random data key for a new tenant, wrapped for the key store; insert it in the
  /// transaction that creates the tenant.
  TenantKeyRecord new_tenant_key(std::uint64_t tenant, std::int64_t now_ms) const;
  /// The tenant's keys (loaded once). Errc::not_found when the tenant has none.
  Expected<std::shared_ptr<const TenantKeys>> tenant(std::uint64_t tenant);
  /// The pepper of API key hashes: the one set by set_api_key_pepper() (stored in the key
  /// store, so it survives master key rotation), else derive_key(master, 2, "apikeypp").
  crypto::SecretKey api_key_pepper() const;

  // Privacy operations (issue 5). Set these before the KeyRing is shared between threads.
  /// Takes the master key from `holder`, which reloads it after a rotation by another
  /// process: tenant keys wrapped under a newer master key stay readable.
  void use_master_keys(std::shared_ptr<MasterKeyHolder> holder) { holder_ = std::move(holder); }
  void set_api_key_pepper(const crypto::SecretKey& pepper) { pepper_ = pepper; }
  /// Drops a destroyed subject key (erasure) from memory.
  void forget_subject(std::uint64_t subject_id) { cache_.erase(subject_id); }
  /// Drops a destroyed tenant key (offboarding) from memory (its subject keys go with
  /// forget_subject()).
  void forget_tenant(std::uint64_t tenant);
  /// A person of `tenant` (the blind index of their number) was erased, here or by another
  /// process (seen in the key store's log): whoever still holds messages to them in memory
  /// (the pipeline's dispatcher) must drop them. Thread-safe.
  void note_erased(std::uint64_t tenant, const Blind& blind);
  /// True when note_erased() named this number of `tenant`, or the tenant was offboarded
  /// (forget_tenant) in this process's lifetime. One atomic load while neither happened.
  bool erased(std::uint64_t tenant, std::string_view e164);
  /// Associated data of a tenant key's wrapping under master key `master_key_id`.
  static std::string tenant_key_ad(std::uint64_t tenant, std::uint32_t version,
                                   std::string_view master_key_id);

  /// Blind index of a number within a tenant.
  static Blind blind(const TenantKeys& keys, std::string_view e164);

  /// The key to write the person's data with: from the cache, from the key store, or
  /// created and inserted in `tx`. Call from one thread at a time (the writer); keys
  /// created in `tx` reach the shared cache with publish_new_subjects() after the commit.
  /// Several writers may share a KeyRing (transactions are serialised): each must call
  /// publish_new_subjects() or discard_new_subjects() before its transaction ends.
  Expected<SubjectKey> subject_for_write(WriteTransaction& tx, std::uint64_t tenant,
                                         const TenantKeys& keys, std::string_view e164,
                                         std::int64_t now_ms);
  void publish_new_subjects();
  void discard_new_subjects();

  /// The key of a stored subject, for reading; checks that it belongs to `tenant`.
  /// Errc::not_found when the key was destroyed (erasure).
  Expected<crypto::SecretKey> subject_key(std::uint64_t tenant, std::uint64_t subject_id);
  /// Caches the keys of those of `subject_ids` not cached yet, read from the key store in
  /// one go (a page of messages about to be opened). Best effort: a key it could not load
  /// is left to subject_key(), which says why.
  void preload_subjects(std::vector<std::uint64_t> subject_ids);

  /// Associated data of a subject key's wrapping.
  static std::string subject_ad(std::uint64_t tenant, std::uint64_t subject_id);

 private:
  struct PendingKey {
    std::uint64_t tenant;
    Blind blind;
    friend bool operator==(const PendingKey&, const PendingKey&) = default;
  };
  struct PendingHash {
    std::size_t operator()(const PendingKey& k) const noexcept;
  };
  MasterKey current_master() const;
  Expected<SubjectKey> unwrap_subject(const SubjectRecord& r, const TenantKeys& keys);
  /// (Re)builds filter_ from the key store, sized for twice as many people.
  Expected<void> load_filter(WriteTransaction& tx);
  Expected<std::uint64_t> next_subject_id();

  Store& store_;
  const crypto::SecretKey master_;
  const std::string master_key_id_;
  SubjectCache cache_;
  std::shared_ptr<MasterKeyHolder> holder_;
  std::optional<crypto::SecretKey> pepper_;
  std::mutex tenants_mutex_;
  std::unordered_map<std::uint64_t, std::shared_ptr<const TenantKeys>> tenants_;
  // Writer thread only.
  std::uint64_t last_subject_id_ = 0;
  bool subject_ids_loaded_ = false;
  std::unordered_map<PendingKey, CachedSubject, PendingHash> pending_;
  // Writers only (serialised like pending_): who may be in the key store already.
  SubjectFilter filter_;
  bool filter_loaded_ = false;
  // Erased people and offboarded tenants (rare; kept for the process's lifetime).
  std::atomic<bool> any_erased_{false};
  std::mutex erased_mutex_;
  std::unordered_map<std::uint64_t, std::set<Blind>> erased_;
  std::unordered_set<std::uint64_t> offboarded_;
};

}  // namespace diskret::store
