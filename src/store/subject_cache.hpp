#pragma once
/// A bounded, thread-safe LRU of unwrapped subject keys, found by (tenant, blind index)
/// when writing and by subject id when reading.
///
/// Flat: the entries live in one array, linked into the LRU order by index, and both
/// lookups are open-addressing tables of entry numbers. The writer asks it once or twice
/// per message; node-based maps and a std::list cost a cache miss per hop and an
/// allocation per entry there.
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "crypto/secret.hpp"
#include "store/records.hpp"

namespace diskret::store {

struct CachedSubject {
  std::uint64_t tenant_id = 0;
  Blind blind{};
  std::uint64_t subject_id = 0;
  crypto::SecretKey key;
};

class SubjectCache {
 public:
  explicit SubjectCache(std::size_t capacity);
  SubjectCache(const SubjectCache&) = delete;
  SubjectCache& operator=(const SubjectCache&) = delete;

  std::optional<CachedSubject> find(std::uint64_t tenant, const Blind& blind);
  std::optional<CachedSubject> find(std::uint64_t subject_id);
  /// Whether the subject is cached (does not count as a use).
  bool contains(std::uint64_t subject_id) const;
  void put(const CachedSubject& subject);
  /// Drops a subject (erasure): its key must not outlive it in memory.
  void erase(std::uint64_t subject_id);
  std::size_t size() const;

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct Entry {
    CachedSubject subject;
    std::uint32_t newer = kNone;  ///< towards the most recently used
    std::uint32_t older = kNone;
  };
  using HashOf = std::uint64_t (*)(const CachedSubject&) noexcept;
  /// Entry numbers by hash_of(entry): linear probing, deletion by backward shift (no
  /// tombstones).
  struct Table {
    std::vector<std::uint32_t> buckets;
    std::size_t mask = 0;
    HashOf hash_of = nullptr;
  };

  static Table make_table(std::size_t capacity, HashOf hash_of);
  static std::uint64_t id_hash(std::uint64_t subject_id) noexcept;
  static std::uint64_t blind_hash_of(const CachedSubject& s) noexcept;
  static std::uint64_t id_hash_of(const CachedSubject& s) noexcept;
  std::uint32_t find_blind(std::uint64_t tenant, const Blind& blind) const;
  std::uint32_t find_id(std::uint64_t subject_id) const;
  void insert(Table& table, std::uint32_t entry);
  void remove(Table& table, std::uint32_t entry);
  void unlink(std::uint32_t entry);
  void link_front(std::uint32_t entry);
  /// Makes `entry` the most recently used.
  void touch(std::uint32_t entry);
  void drop(std::uint32_t entry);

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;  ///< grows up to capacity_, then slots are reused
  std::vector<std::uint32_t> free_;
  Table by_blind_;
  Table by_id_;
  std::uint32_t newest_ = kNone;
  std::uint32_t oldest_ = kNone;
  std::size_t size_ = 0;
};

}  // namespace diskret::store
