#include "fraud/held_expiry.hpp"

#include <spdlog/spdlog.h>

#include "core/thread_name.hpp"

namespace diskret::fraud {

Expected<std::size_t> HeldExpiry::run_once() {
  const SystemTime before = clock_.now() - expiry_;
  std::size_t total = 0;
  for (;;) {
    auto expired = held_.expire(before, batch_);
    if (!expired) return unexpected(expired.error());
    for (const auto& h : *expired) {
      if (on_expired_) on_expired_(h);
    }
    total += expired->size();
    if (expired->size() < batch_) break;
  }
  if (total > 0) spdlog::info("fraud: {} held message(s) expired undecided and were rejected", total);
  return total;
}

void HeldExpiry::start(std::chrono::milliseconds interval) {
  stop();
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = core::named_thread("held-expiry", [this, interval] {
    std::unique_lock lock(mutex_);
    for (;;) {
      lock.unlock();
      if (auto n = run_once(); !n) {
        spdlog::warn("fraud: held messages not expired: {}", n.error().message());
      }
      lock.lock();
      if (wake_.wait_for(lock, interval, [this] { return stopping_; })) return;
    }
  });
}

void HeldExpiry::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace diskret::fraud
