#pragma once
/// A bounded, thread-safe LRU of unwrapped subject keys, found by (tenant, blind index)
/// when writing and by subject id when reading.
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <unordered_map>

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
  explicit SubjectCache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  std::optional<CachedSubject> find(std::uint64_t tenant, const Blind& blind);
  std::optional<CachedSubject> find(std::uint64_t subject_id);
  /// Whether the subject is cached (does not count as a use).
  bool contains(std::uint64_t subject_id) const;
  void put(const CachedSubject& subject);
  /// Drops a subject (erasure): its key must not outlive it in memory.
  void erase(std::uint64_t subject_id);
  std::size_t size() const;

 private:
  struct BlindKey {
    std::uint64_t tenant;
    Blind blind;
    friend bool operator==(const BlindKey&, const BlindKey&) = default;
  };
  struct BlindHash {
    std::size_t operator()(const BlindKey& k) const noexcept;
  };
  using List = std::list<CachedSubject>;

  void touch(List::iterator it);

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  List lru_;  // most recently used first
  std::unordered_map<BlindKey, List::iterator, BlindHash> by_blind_;
  std::unordered_map<std::uint64_t, List::iterator> by_id_;
};

}  // namespace diskret::store
