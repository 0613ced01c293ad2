#pragma once
/// Time-ordered message ids: milliseconds since the epoch << 16 | sequence. Strictly
/// increasing within a process even when the clock steps back or more than 65,536 ids are
/// drawn in one millisecond (the id then runs slightly ahead of the clock).
#include <atomic>
#include <cstdint>
#include <vector>

#include "core/clock.hpp"
#include "pipeline/message.hpp"

namespace diskret::pipeline {

class MessageIdGenerator {
 public:
  explicit MessageIdGenerator(const Clock& clock) : clock_(clock) {}

  /// Never hands out an id at or below `id` (the largest one stored, after a restart).
  void advance_past(std::uint64_t id);
  /// `count` consecutive ids. Thread-safe.
  std::vector<MessageId> next(std::size_t count);

  static std::int64_t created_ms(MessageId id) { return static_cast<std::int64_t>(id.value >> 16); }

 private:
  const Clock& clock_;
  std::atomic<std::uint64_t> last_{0};
};

}  // namespace diskret::pipeline
