#pragma once
/// Time-ordered message ids: milliseconds since the epoch << 16 | sequence. Strictly
/// increasing within a process even when the clock steps back or more than 65,536 ids are
/// drawn in one millisecond (the id then runs slightly ahead of the clock).
///
/// Several nodes on one database (PostgreSQL): each node holds a slot (0..kMaxSlots-1,
/// taken with its lease, store::MessageClaims::slot()) that fills the top kSlotBits of the
/// 16 low bits, the sequence the other 10: ids of two nodes never collide, even within one
/// millisecond, and stay increasing per node (1,024 ids per millisecond before they run
/// ahead of the clock). Without a slot (SQLite, one node) the layout is the one above.
#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/clock.hpp"
#include "pipeline/message.hpp"

namespace diskret::pipeline {

class MessageIdGenerator {
 public:
  static constexpr unsigned kSlotBits = 6;
  static constexpr unsigned kMaxSlots = 1u << kSlotBits;
  static constexpr unsigned kSequenceBits = 16 - kSlotBits;

  explicit MessageIdGenerator(const Clock& clock) : clock_(clock) {}

  /// Never hands out an id at or below `id` (the largest one stored, after a restart).
  void advance_past(std::uint64_t id);
  /// From now on every id carries `slot` (< kMaxSlots); nullopt: no slot (one node).
  /// Ids stay increasing across a change of slot. Thread-safe.
  void set_slot(std::optional<unsigned> slot);
  std::optional<unsigned> slot() const;
  /// `count` consecutive ids (consecutive in this node's sequence). Thread-safe.
  std::vector<MessageId> next(std::size_t count);

  static std::int64_t created_ms(MessageId id) { return static_cast<std::int64_t>(id.value >> 16); }
  /// The slot bits of an id made with a slot.
  static unsigned slot_of(MessageId id) {
    return static_cast<unsigned>((id.value >> kSequenceBits) & (kMaxSlots - 1));
  }

 private:
  static constexpr std::int64_t kNoSlot = -1;
  const Clock& clock_;
  std::atomic<std::uint64_t> last_{0};
  std::atomic<std::int64_t> slot_{kNoSlot};
};

}  // namespace diskret::pipeline
