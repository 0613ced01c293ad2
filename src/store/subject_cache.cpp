#include "store/subject_cache.hpp"

namespace diskret::store {

std::size_t SubjectCache::BlindHash::operator()(const BlindKey& k) const noexcept {
  return static_cast<std::size_t>(blind_hash(k.tenant, k.blind));
}

void SubjectCache::touch(List::iterator it) { lru_.splice(lru_.begin(), lru_, it); }

std::optional<CachedSubject> SubjectCache::find(std::uint64_t tenant, const Blind& blind) {
  std::lock_guard lock(mutex_);
  auto it = by_blind_.find(BlindKey{tenant, blind});
  if (it == by_blind_.end()) return std::nullopt;
  touch(it->second);
  return *it->second;
}

std::optional<CachedSubject> SubjectCache::find(std::uint64_t subject_id) {
  std::lock_guard lock(mutex_);
  auto it = by_id_.find(subject_id);
  if (it == by_id_.end()) return std::nullopt;
  touch(it->second);
  return *it->second;
}

bool SubjectCache::contains(std::uint64_t subject_id) const {
  std::lock_guard lock(mutex_);
  return by_id_.contains(subject_id);
}

void SubjectCache::put(const CachedSubject& subject) {
  std::lock_guard lock(mutex_);
  if (auto it = by_id_.find(subject.subject_id); it != by_id_.end()) {
    touch(it->second);
    return;
  }
  lru_.push_front(subject);
  by_blind_[BlindKey{subject.tenant_id, subject.blind}] = lru_.begin();
  by_id_[subject.subject_id] = lru_.begin();
  while (lru_.size() > capacity_) {
    const CachedSubject& old = lru_.back();
    by_blind_.erase(BlindKey{old.tenant_id, old.blind});
    by_id_.erase(old.subject_id);
    lru_.pop_back();
  }
}

void SubjectCache::erase(std::uint64_t subject_id) {
  std::lock_guard lock(mutex_);
  auto it = by_id_.find(subject_id);
  if (it == by_id_.end()) return;
  by_blind_.erase(BlindKey{it->second->tenant_id, it->second->blind});
  lru_.erase(it->second);
  by_id_.erase(it);
}

std::size_t SubjectCache::size() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

}  // namespace diskret::store
