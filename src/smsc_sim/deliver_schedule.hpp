#pragma once
/// DeliverSchedule: deliver_sm items waiting for their time (receipts after
/// --dlr-delay-ms, re-sends after an error answer). One timer drains it for the whole
/// simulator, instead of a timer per message. Items with a constant delay arrive in time
/// order and stay in a FIFO; only out-of-order items (the delay changed) go to a heap.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <queue>
#include <vector>

#include "smsc_sim/deliver_router.hpp"

namespace diskret::smsc_sim {

class DeliverSchedule {
 public:
  using Time = std::chrono::steady_clock::time_point;

  /// Called when a push makes the earliest due time earlier (re-arm the timer).
  void on_earlier(std::function<void()> callback) { on_earlier_ = std::move(callback); }

  void push(Time due, Outbound&& item);
  std::optional<Time> next_due() const noexcept;
  /// Hands every item due at `now` to `fn`, earliest first.
  template <class Fn>
  std::size_t pop_due(Time now, Fn&& fn) {
    std::size_t n = 0;
    while (auto due = next_due()) {
      if (*due > now) break;
      fn(take_front());
      ++n;
    }
    return n;
  }
  std::size_t size() const noexcept { return fifo_.size() + heap_.size(); }
  void clear() noexcept;

 private:
  struct Entry {
    Time due;
    std::uint64_t order;  ///< keeps equal due times first-in first-out
    Outbound item;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const noexcept {
      return a.due != b.due ? a.due > b.due : a.order > b.order;
    }
  };
  Outbound take_front();

  std::deque<Entry> fifo_;
  std::priority_queue<Entry, std::vector<Entry>, Later> heap_;
  std::uint64_t order_ = 0;
  std::function<void()> on_earlier_;
};

}  // namespace diskret::smsc_sim
