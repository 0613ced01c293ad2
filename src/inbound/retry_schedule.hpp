#pragma once
/// When a failed webhook delivery is tried again: 10 s, 30 s, 2 min, 10 min, 1 h, 3 h, 6 h,
/// then every 6 h, until 24 h after the first attempt; after that the event is given up
/// (it stays in the delivery log). Pure.
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/clock.hpp"

namespace diskret::inbound {

class RetrySchedule {
 public:
  /// The default steps above with a 24 h deadline.
  RetrySchedule();
  /// `steps` must not be empty; the last step repeats.
  RetrySchedule(std::vector<std::chrono::seconds> steps, std::chrono::seconds give_up_after);

  /// The delay after the `attempt`-th failed attempt (1-based).
  std::chrono::seconds delay_after(std::uint32_t attempt) const;
  /// When to try again after `attempts` failed attempts of an event first tried at
  /// `first_attempt`; nullopt when the next try would be later than the deadline. The last
  /// retry is pulled in to the deadline itself so that a receiver that comes back within
  /// 24 h always gets the event.
  std::optional<SystemTime> next_attempt(SystemTime first_attempt, SystemTime last_attempt,
                                         std::uint32_t attempts) const;
  std::chrono::seconds give_up_after() const { return give_up_after_; }

 private:
  std::vector<std::chrono::seconds> steps_;
  std::chrono::seconds give_up_after_;
};

}  // namespace diskret::inbound
