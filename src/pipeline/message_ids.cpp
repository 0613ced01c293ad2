#include "pipeline/message_ids.hpp"

#include <algorithm>

namespace diskret::pipeline {
namespace {

constexpr unsigned kSeqBits = MessageIdGenerator::kSequenceBits;
constexpr std::uint64_t kSeqMask = (std::uint64_t{1} << kSeqBits) - 1;

// A slot's ids in order: position = ms * 1024 + sequence, id = ms << 16 | own | sequence
// (own = slot << 10).
std::uint64_t position(std::uint64_t id) { return (id >> 16) << kSeqBits | (id & kSeqMask); }
std::uint64_t at_position(std::uint64_t pos, std::uint64_t own) {
  return (pos >> kSeqBits) << 16 | own | (pos & kSeqMask);
}

// The smallest id carrying the slot that is above `from`.
std::uint64_t first_above(std::uint64_t from, std::uint64_t own) {
  const std::uint64_t ms = from >> 16;
  const std::uint64_t low = from & 0xffff;
  if (low < own) return ms << 16 | own;
  if (low < (own | kSeqMask)) return from + 1;
  return (ms + 1) << 16 | own;
}

}  // namespace

void MessageIdGenerator::advance_past(std::uint64_t id) {
  std::uint64_t last = last_.load();
  while (last < id && !last_.compare_exchange_weak(last, id)) {
  }
}

void MessageIdGenerator::set_slot(std::optional<unsigned> slot) {
  slot_ = slot ? static_cast<std::int64_t>(*slot % kMaxSlots) : kNoSlot;
}

std::optional<unsigned> MessageIdGenerator::slot() const {
  const std::int64_t s = slot_.load();
  if (s == kNoSlot) return std::nullopt;
  return static_cast<unsigned>(s);
}

std::vector<MessageId> MessageIdGenerator::next(std::size_t count) {
  std::vector<MessageId> ids;
  if (count == 0) return ids;
  const auto now = static_cast<std::uint64_t>(std::max<std::int64_t>(clock_.now_ms(), 0)) << 16;
  const std::int64_t slot = slot_.load();
  std::uint64_t last = last_.load();
  std::uint64_t first = 0;
  ids.reserve(count);
  if (slot == kNoSlot) {
    do {
      first = std::max(last + 1, now);
    } while (!last_.compare_exchange_weak(last, first + count - 1));
    for (std::size_t i = 0; i < count; ++i) ids.push_back(MessageId{first + i});
    return ids;
  }
  const std::uint64_t own = static_cast<std::uint64_t>(slot) << kSeqBits;
  do {
    // Above the last id handed out (whatever its slot) and not below the clock.
    first = first_above(last, own);
    if (now > 0) first = std::max(first, first_above(now - 1, own));
  } while (!last_.compare_exchange_weak(last, at_position(position(first) + count - 1, own)));
  const std::uint64_t start = position(first);
  for (std::size_t i = 0; i < count; ++i) ids.push_back(MessageId{at_position(start + i, own)});
  return ids;
}

}  // namespace diskret::pipeline
