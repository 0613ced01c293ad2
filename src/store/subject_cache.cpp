#include "store/subject_cache.hpp"

#include <algorithm>
#include <bit>

#include "crypto/digest.hpp"

namespace diskret::store {

SubjectCache::Table SubjectCache::make_table(std::size_t capacity, HashOf hash_of) {
  // At most half full: probe runs stay short.
  const std::size_t buckets = std::bit_ceil(capacity * 2);
  return {std::vector<std::uint32_t>(buckets, kNone), buckets - 1, hash_of};
}

SubjectCache::SubjectCache(std::size_t capacity)
    : capacity_(std::clamp<std::size_t>(capacity, 1, kNone - 1)),  // entry numbers are 32-bit
      by_blind_(make_table(capacity_, &blind_hash_of)),
      by_id_(make_table(capacity_, &id_hash_of)) {
  entries_.reserve(capacity_);  // address space only: pages are touched as entries come
}

std::uint64_t SubjectCache::id_hash(std::uint64_t subject_id) noexcept {
  // Subject ids count up: spread them over the table (Fibonacci hashing, high bits down).
  const std::uint64_t h = subject_id * 0x9e3779b97f4a7c15ULL;
  return h ^ (h >> 32);
}

std::uint64_t SubjectCache::blind_hash_of(const CachedSubject& s) noexcept {
  return blind_hash(s.tenant_id, s.blind);
}

std::uint64_t SubjectCache::id_hash_of(const CachedSubject& s) noexcept {
  return id_hash(s.subject_id);
}

std::uint32_t SubjectCache::find_blind(std::uint64_t tenant, const Blind& blind) const {
  for (std::size_t b = blind_hash(tenant, blind) & by_blind_.mask;; b = (b + 1) & by_blind_.mask) {
    const std::uint32_t e = by_blind_.buckets[b];
    if (e == kNone) return kNone;
    const CachedSubject& s = entries_[e].subject;
    if (s.tenant_id == tenant && s.blind == blind) return e;
  }
}

std::uint32_t SubjectCache::find_id(std::uint64_t subject_id) const {
  for (std::size_t b = id_hash(subject_id) & by_id_.mask;; b = (b + 1) & by_id_.mask) {
    const std::uint32_t e = by_id_.buckets[b];
    if (e == kNone) return kNone;
    if (entries_[e].subject.subject_id == subject_id) return e;
  }
}

void SubjectCache::insert(Table& table, std::uint32_t entry) {
  std::size_t b = table.hash_of(entries_[entry].subject) & table.mask;
  while (table.buckets[b] != kNone) b = (b + 1) & table.mask;
  table.buckets[b] = entry;
}

// Backward-shift deletion: every later entry of the probe run that may move into the hole
// (its home bucket is not cyclically between the hole and itself) moves there.
void SubjectCache::remove(Table& table, std::uint32_t entry) {
  std::size_t hole = table.hash_of(entries_[entry].subject) & table.mask;
  while (table.buckets[hole] != entry) {
    if (table.buckets[hole] == kNone) return;  // not there (cannot happen)
    hole = (hole + 1) & table.mask;
  }
  for (std::size_t b = (hole + 1) & table.mask;; b = (b + 1) & table.mask) {
    const std::uint32_t e = table.buckets[b];
    if (e == kNone) break;
    const std::size_t home = table.hash_of(entries_[e].subject) & table.mask;
    if (((b - home) & table.mask) >= ((b - hole) & table.mask)) {
      table.buckets[hole] = e;
      hole = b;
    }
  }
  table.buckets[hole] = kNone;
}

void SubjectCache::unlink(std::uint32_t entry) {
  Entry& e = entries_[entry];
  (e.newer == kNone ? newest_ : entries_[e.newer].older) = e.older;
  (e.older == kNone ? oldest_ : entries_[e.older].newer) = e.newer;
  e.newer = e.older = kNone;
}

void SubjectCache::link_front(std::uint32_t entry) {
  Entry& e = entries_[entry];
  e.newer = kNone;
  e.older = newest_;
  (newest_ == kNone ? oldest_ : entries_[newest_].newer) = entry;
  newest_ = entry;
}

void SubjectCache::touch(std::uint32_t entry) {
  unlink(entry);
  link_front(entry);
}

void SubjectCache::drop(std::uint32_t entry) {
  remove(by_blind_, entry);
  remove(by_id_, entry);
  unlink(entry);
  crypto::secure_wipe(&entries_[entry].subject, sizeof(CachedSubject));
  free_.push_back(entry);
  --size_;
}

std::optional<CachedSubject> SubjectCache::find(std::uint64_t tenant, const Blind& blind) {
  std::lock_guard lock(mutex_);
  const std::uint32_t e = find_blind(tenant, blind);
  if (e == kNone) return std::nullopt;
  touch(e);
  return entries_[e].subject;
}

std::optional<CachedSubject> SubjectCache::find(std::uint64_t subject_id) {
  std::lock_guard lock(mutex_);
  const std::uint32_t e = find_id(subject_id);
  if (e == kNone) return std::nullopt;
  touch(e);
  return entries_[e].subject;
}

bool SubjectCache::contains(std::uint64_t subject_id) const {
  std::lock_guard lock(mutex_);
  return find_id(subject_id) != kNone;
}

void SubjectCache::put(const CachedSubject& subject) {
  std::lock_guard lock(mutex_);
  if (const std::uint32_t e = find_id(subject.subject_id); e != kNone) {
    touch(e);
    return;
  }
  // A number written again after its erasure has a new subject; the old one's entry (if
  // erase() did not reach this cache) must not shadow it.
  if (const std::uint32_t e = find_blind(subject.tenant_id, subject.blind); e != kNone) drop(e);
  if (size_ == capacity_) drop(oldest_);
  std::uint32_t e;
  if (!free_.empty()) {
    e = free_.back();
    free_.pop_back();
    entries_[e].subject = subject;
  } else {
    e = static_cast<std::uint32_t>(entries_.size());
    entries_.push_back(Entry{subject});
  }
  link_front(e);
  insert(by_blind_, e);
  insert(by_id_, e);
  ++size_;
}

void SubjectCache::erase(std::uint64_t subject_id) {
  std::lock_guard lock(mutex_);
  if (const std::uint32_t e = find_id(subject_id); e != kNone) drop(e);
}

std::size_t SubjectCache::size() const {
  std::lock_guard lock(mutex_);
  return size_;
}

}  // namespace diskret::store
