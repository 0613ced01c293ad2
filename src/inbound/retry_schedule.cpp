#include "inbound/retry_schedule.hpp"

#include <algorithm>

namespace diskret::inbound {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

RetrySchedule::RetrySchedule()
    : RetrySchedule(
          {seconds{10}, seconds{30}, minutes{2}, minutes{10}, hours{1}, hours{3}, hours{6}},
          hours{24}) {}

RetrySchedule::RetrySchedule(std::vector<seconds> steps, seconds give_up_after)
    : steps_(std::move(steps)), give_up_after_(give_up_after) {
  if (steps_.empty()) steps_.push_back(seconds{60});
}

seconds RetrySchedule::delay_after(std::uint32_t attempt) const {
  const std::size_t i = std::min<std::size_t>(attempt == 0 ? 0 : attempt - 1, steps_.size() - 1);
  return steps_[i];
}

std::optional<SystemTime> RetrySchedule::next_attempt(SystemTime first_attempt,
                                                      SystemTime last_attempt,
                                                      std::uint32_t attempts) const {
  const SystemTime deadline = first_attempt + give_up_after_;
  if (last_attempt >= deadline) return std::nullopt;
  const SystemTime next = last_attempt + delay_after(attempts);
  return std::min(next, deadline);
}

}  // namespace diskret::inbound
