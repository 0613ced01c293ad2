#pragma once
/// Per-credential limits of the SMPP server: a window (submits received and not yet
/// answered) and a rate (token bucket, burst of one second). Pure; time is passed in.
#include <chrono>
#include <cstdint>

namespace diskret::smpp_server {

class Throttle {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  /// 0 means unlimited for either limit.
  Throttle(std::uint32_t window, std::uint32_t tps) noexcept;

  /// True (and counts the submit as open) when both limits allow one more submit now;
  /// false means answer ESME_RTHROTTLED.
  bool try_begin(TimePoint now) noexcept;
  /// A submit counted by try_begin was answered.
  void end() noexcept;

  std::uint32_t open() const noexcept { return open_; }

 private:
  std::uint32_t window_;
  std::uint32_t tps_;
  std::uint32_t open_ = 0;
  double tokens_;
  TimePoint last_{};
  bool started_ = false;
};

}  // namespace diskret::smpp_server
