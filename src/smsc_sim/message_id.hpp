#pragma once
/// MessageIdGenerator: unique submit_sm_resp message ids, start-second * 1e9 + counter,
/// written in decimal or lowercase hex (--id-format). Unique across restarts as long as
/// fewer than 1e9 ids are issued per second of uptime.
#include <cstdint>
#include <string>
#include <string_view>

#include "smsc_sim/config.hpp"

namespace diskret::smsc_sim {

class MessageIdGenerator {
 public:
  MessageIdGenerator(IdFormat format, std::int64_t start_epoch_s)
      : format_(format), base_(static_cast<std::uint64_t>(start_epoch_s) * 1'000'000'000ull) {}

  /// The next id, written into an internal buffer (valid until the next call).
  std::string_view next() noexcept;
  std::uint64_t issued() const noexcept { return counter_; }
  IdFormat format() const noexcept { return format_; }

 private:
  IdFormat format_;
  std::uint64_t base_;
  std::uint64_t counter_ = 0;
  char buffer_[24] = {};
};

}  // namespace diskret::smsc_sim
