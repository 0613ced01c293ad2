#include "store/key_ring.hpp"

#include <algorithm>

#include "crypto/blind_index.hpp"
#include "crypto/secret_box.hpp"

namespace diskret::store {

KeyRing::KeyRing(Store& store, crypto::SecretKey master_key, std::string master_key_id,
                 std::size_t subject_cache_capacity)
    : store_(store),
      master_(std::move(master_key)),
      master_key_id_(std::move(master_key_id)),
      cache_(subject_cache_capacity) {}

std::size_t KeyRing::PendingHash::operator()(const PendingKey& k) const noexcept {
  return static_cast<std::size_t>(blind_hash(k.tenant, k.blind));
}

// The master key id is part of the AD: a data key wrapped under one master key can never
// be taken for one wrapped under another (key rotation keeps both apart).
std::string KeyRing::tenant_key_ad(std::uint64_t tenant, std::uint32_t version,
                                   std::string_view master_key_id) {
  return crypto::record_ad(tenant, "tenant_keys", version, "dek") + "|" + std::string(master_key_id);
}

MasterKey KeyRing::current_master() const {
  if (holder_) return holder_->current();
  return MasterKey{master_, master_key_id_};
}

void KeyRing::forget_tenant(std::uint64_t tenant) {
  {
    std::lock_guard lock(erased_mutex_);
    offboarded_.insert(tenant);
    any_erased_ = true;
  }
  std::lock_guard lock(tenants_mutex_);
  tenants_.erase(tenant);
}

void KeyRing::note_erased(std::uint64_t tenant, const Blind& blind) {
  std::lock_guard lock(erased_mutex_);
  erased_[tenant].insert(blind);
  any_erased_ = true;
}

bool KeyRing::erased(std::uint64_t tenant, std::string_view e164) {
  if (!any_erased_.load()) return false;
  {
    std::lock_guard lock(erased_mutex_);
    if (offboarded_.contains(tenant)) return true;
    if (!erased_.contains(tenant)) return false;
  }
  auto keys = this->tenant(tenant);
  if (!keys) return keys.error().code == make_error_code(Errc::not_found);  // key gone
  const Blind b = blind(**keys, e164);
  std::lock_guard lock(erased_mutex_);
  return erased_[tenant].contains(b);
}

std::string KeyRing::subject_ad(std::uint64_t tenant, std::uint64_t subject_id) {
  return crypto::record_ad(tenant, "subjects", subject_id, "key");
}

TenantKeyRecord KeyRing::new_tenant_key(std::uint64_t tenant, std::int64_t now_ms) const {
  TenantKeyRecord r;
  r.tenant_id = tenant;
  r.version = 1;
  const auto master = current_master();
  r.master_key_id = master.id;
  r.wrapped = crypto::wrap_key(master.key, crypto::SecretKey::generate(),
                               tenant_key_ad(tenant, r.version, master.id));
  r.created_at_ms = now_ms;
  return r;
}

Expected<std::shared_ptr<const TenantKeys>> KeyRing::tenant(std::uint64_t tenant) {
  {
    std::lock_guard lock(tenants_mutex_);
    if (auto it = tenants_.find(tenant); it != tenants_.end()) return it->second;
  }
  auto record = store_.tenant_key(tenant);
  if (!record) return unexpected(record.error());
  if (!*record) return fail(Errc::not_found, "the tenant has no data key");
  crypto::SecretKey kek = master_;
  if (holder_) {
    // After a rotation by another process the holder reloads the key file.
    auto key = holder_->key_for((*record)->master_key_id);
    if (!key) return unexpected(key.error());
    kek = *key;
  } else if ((*record)->master_key_id != master_key_id_) {
    return fail(Errc::permission_denied,
                "the tenant's data key is wrapped under another master key");
  }
  auto dek = crypto::unwrap_key(kek, (*record)->wrapped,
                                tenant_key_ad(tenant, (*record)->version, (*record)->master_key_id));
  if (!dek) return fail(Errc::corrupt, "the tenant's data key does not open");
  auto keys = std::make_shared<TenantKeys>();
  keys->data_key = *dek;
  keys->index_key = crypto::derive_key(*dek, 1, "blindidx");
  std::lock_guard lock(tenants_mutex_);
  return tenants_.emplace(tenant, std::move(keys)).first->second;
}

crypto::SecretKey KeyRing::api_key_pepper() const {
  if (pepper_) return *pepper_;
  return crypto::derive_key(current_master().key, 2, "apikeypp");
}

Blind KeyRing::blind(const TenantKeys& keys, std::string_view e164) {
  return crypto::blind_index(keys.index_key, e164);
}

Expected<SubjectKey> KeyRing::unwrap_subject(const SubjectRecord& r, const TenantKeys& keys) {
  auto key = crypto::unwrap_key(keys.data_key, r.wrapped, subject_ad(r.tenant_id, r.subject_id));
  if (!key) return fail(Errc::corrupt, "a subject key does not open");
  cache_.put(CachedSubject{r.tenant_id, r.blind, r.subject_id, *key});
  return SubjectKey{r.subject_id, *key};
}

Expected<SubjectKey> KeyRing::subject_for_write(WriteTransaction& tx, std::uint64_t tenant,
                                                const TenantKeys& keys, std::string_view e164,
                                                std::int64_t now_ms) {
  const Blind b = blind(keys, e164);
  if (auto it = pending_.find(PendingKey{tenant, b}); it != pending_.end()) {
    return SubjectKey{it->second.subject_id, it->second.key};
  }
  if (auto hit = cache_.find(tenant, b)) return SubjectKey{hit->subject_id, hit->key};
  if (!filter_loaded_ || filter_.full()) {
    if (auto ok = load_filter(tx); !ok) return unexpected(ok.error());
  }
  if (filter_.may_contain(tenant, b)) {
    auto stored = tx.find_subject(tenant, b);
    if (!stored) return unexpected(stored.error());
    if (*stored) return unwrap_subject(**stored, keys);
  }

  auto id = next_subject_id();
  if (!id) return unexpected(id.error());
  SubjectRecord r;
  r.tenant_id = tenant;
  r.blind = b;
  r.subject_id = *id;
  r.created_at_ms = now_ms;
  const auto key = crypto::SecretKey::generate();
  r.wrapped = crypto::wrap_key(keys.data_key, key, subject_ad(tenant, r.subject_id));
  if (auto ok = tx.insert_subject(r); !ok) {
    // Someone the filter did not know (written by another process): ask the key store,
    // and rebuild the filter before the next new person.
    if (ok.error().code != make_error_code(Errc::already_exists)) return unexpected(ok.error());
    filter_loaded_ = false;
    auto stored = tx.find_subject(tenant, b);
    if (!stored) return unexpected(stored.error());
    if (!*stored) return unexpected(ok.error());
    return unwrap_subject(**stored, keys);
  }
  pending_.emplace(PendingKey{tenant, b}, CachedSubject{tenant, b, r.subject_id, key});
  return SubjectKey{r.subject_id, key};
}

Expected<std::uint64_t> KeyRing::next_subject_id() {
  // Ids are never reused, not even after a failed commit: a key committed to the key
  // store while its data was not stays harmlessly unused. Several nodes on one database
  // take them from the database; a single writer counts on by itself.
  auto shared = store_.next_subject_id();
  if (!shared) return unexpected(shared.error());
  if (*shared) return **shared;
  if (!subject_ids_loaded_) {
    auto max = store_.max_subject_id();
    if (!max) return unexpected(max.error());
    last_subject_id_ = std::max(last_subject_id_, *max);
    subject_ids_loaded_ = true;
  }
  return ++last_subject_id_;
}

Expected<void> KeyRing::load_filter(WriteTransaction& tx) {
  // Subject ids count every person ever created: room for twice that many.
  auto max_id = store_.max_subject_id();
  if (!max_id) return unexpected(max_id.error());
  filter_.reset(std::max<std::size_t>(*max_id, filter_.count()) * 2);
  auto ok = tx.for_each_subject(
      [this](std::uint64_t tenant, const Blind& blind) { filter_.add(tenant, blind); });
  if (!ok) return ok;
  filter_loaded_ = true;
  return {};
}

void KeyRing::publish_new_subjects() {
  for (auto& [k, subject] : pending_) {
    filter_.add(subject.tenant_id, subject.blind);
    cache_.put(subject);
  }
  pending_.clear();
}

// The key store may have committed them all the same (it commits first): "maybe" is safe.
void KeyRing::discard_new_subjects() {
  for (auto& [k, subject] : pending_) filter_.add(subject.tenant_id, subject.blind);
  pending_.clear();
}

void KeyRing::preload_subjects(std::vector<std::uint64_t> subject_ids) {
  std::erase_if(subject_ids, [&](std::uint64_t id) { return cache_.contains(id); });
  if (subject_ids.empty()) return;
  std::sort(subject_ids.begin(), subject_ids.end());
  subject_ids.erase(std::unique(subject_ids.begin(), subject_ids.end()), subject_ids.end());
  auto stored = store_.subjects(subject_ids);
  if (!stored) return;
  for (const SubjectRecord& r : *stored) {
    if (auto keys = tenant(r.tenant_id)) (void)unwrap_subject(r, **keys);
  }
}

Expected<crypto::SecretKey> KeyRing::subject_key(std::uint64_t tenant, std::uint64_t subject_id) {
  if (auto hit = cache_.find(subject_id)) {
    if (hit->tenant_id != tenant) return fail(Errc::corrupt, "subject of another tenant");
    return hit->key;
  }
  auto stored = store_.subject(subject_id);
  if (!stored) return unexpected(stored.error());
  if (!*stored) return fail(Errc::not_found, "the subject key was destroyed");
  if ((*stored)->tenant_id != tenant) return fail(Errc::corrupt, "subject of another tenant");
  auto keys = this->tenant(tenant);
  if (!keys) return unexpected(keys.error());
  auto key = unwrap_subject(**stored, **keys);
  if (!key) return unexpected(key.error());
  return key->key;
}

}  // namespace diskret::store
