#pragma once
/// Clock: the one source of wall time, injectable so tests control it.
#include <chrono>
#include <cstdint>

namespace diskret {

using SystemTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SystemTime now() const = 0;
  std::int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
  }
};

class SystemClock final : public Clock {
 public:
  // Clock
  SystemTime now() const override { return std::chrono::system_clock::now(); }

  static SystemClock& instance() {
    static SystemClock clock;
    return clock;
  }
};

/// A clock that moves only when told; for tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(SystemTime start = SystemTime{std::chrono::seconds{1'700'000'000}}) : now_(start) {}
  // Clock
  SystemTime now() const override { return now_; }
  void advance(std::chrono::milliseconds d) { now_ += d; }
  void set(SystemTime t) { now_ = t; }

 private:
  SystemTime now_;
};

}  // namespace diskret
