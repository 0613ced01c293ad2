#include "pipeline/message_ids.hpp"

#include <algorithm>

namespace diskret::pipeline {

void MessageIdGenerator::advance_past(std::uint64_t id) {
  std::uint64_t last = last_.load();
  while (last < id && !last_.compare_exchange_weak(last, id)) {
  }
}

std::vector<MessageId> MessageIdGenerator::next(std::size_t count) {
  std::vector<MessageId> ids;
  if (count == 0) return ids;
  const auto now = static_cast<std::uint64_t>(std::max<std::int64_t>(clock_.now_ms(), 0)) << 16;
  std::uint64_t last = last_.load();
  std::uint64_t first = 0;
  do {
    first = std::max(last + 1, now);
  } while (!last_.compare_exchange_weak(last, first + count - 1));
  ids.reserve(count);
  for (std::size_t i = 0; i < count; ++i) ids.push_back(MessageId{first + i});
  return ids;
}

}  // namespace diskret::pipeline
