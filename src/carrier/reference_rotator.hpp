#pragma once
/// ReferenceRotator: the concatenation (UDH) reference for the next long message to a
/// destination. Consecutive long messages to one phone get consecutive references, so a
/// handset never mixes the parts of two messages. Remembers the `capacity` most recently
/// used destinations (LRU); a forgotten destination starts again from a rotating seed.
#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace diskret::carrier {

class ReferenceRotator {
 public:
  explicit ReferenceRotator(std::size_t capacity = 65'536, std::uint16_t seed = 0);

  /// The next reference for `destination`, below `modulus` (256 for 8-bit UDH references,
  /// 65536 for 16-bit ones).
  std::uint16_t next(std::string_view destination, std::uint32_t modulus);
  std::size_t size() const noexcept { return index_.size(); }

 private:
  struct Entry {
    std::string destination;
    std::uint16_t last = 0;
  };
  std::size_t capacity_;
  std::uint16_t seed_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views into lru_
};

}  // namespace diskret::carrier
