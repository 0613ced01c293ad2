#include "smsc_sim/deliver_schedule.hpp"

#include <algorithm>

namespace diskret::smsc_sim {

void DeliverSchedule::push(Time due, Outbound&& item) {
  const auto before = next_due();
  Entry entry{due, order_++, std::move(item)};
  if (fifo_.empty() || fifo_.back().due <= due) {
    fifo_.push_back(std::move(entry));
  } else {
    heap_.push(std::move(entry));
  }
  if (on_earlier_ && (!before || due < *before)) on_earlier_();
}

std::optional<DeliverSchedule::Time> DeliverSchedule::next_due() const noexcept {
  if (fifo_.empty() && heap_.empty()) return std::nullopt;
  if (heap_.empty()) return fifo_.front().due;
  if (fifo_.empty()) return heap_.top().due;
  return std::min(fifo_.front().due, heap_.top().due);
}

Outbound DeliverSchedule::take_front() {
  const bool from_heap =
      fifo_.empty() || (!heap_.empty() && Later{}(fifo_.front(), heap_.top()));
  if (from_heap) {
    // priority_queue::top() is const; the entry is popped right after, so moving is safe.
    Outbound item = std::move(const_cast<Entry&>(heap_.top()).item);
    heap_.pop();
    return item;
  }
  Outbound item = std::move(fifo_.front().item);
  fifo_.pop_front();
  return item;
}

void DeliverSchedule::clear() noexcept {
  fifo_.clear();
  heap_ = {};
}

}  // namespace diskret::smsc_sim
