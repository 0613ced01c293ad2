#include "smsc_sim/message_id.hpp"

#include <charconv>

namespace diskret::smsc_sim {

std::string_view MessageIdGenerator::next() noexcept {
  const std::uint64_t value = base_ + ++counter_;
  const int base = format_ == IdFormat::hex ? 16 : 10;
  // 2^64 has 20 decimal digits: the buffer always suffices.
  const auto [end, ec] = std::to_chars(buffer_, buffer_ + sizeof(buffer_), value, base);
  (void)ec;
  return {buffer_, static_cast<std::size_t>(end - buffer_)};
}

}  // namespace diskret::smsc_sim
