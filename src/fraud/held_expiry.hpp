#pragma once
/// HeldExpiry: a held message nobody released or rejected within the expiry (`[security]
/// held_expiry_hours`, 72 h by default) is rejected by the platform: its hold is deleted
/// (the sealed text with it) and the decision reported through `on_expired` (the tenant's
/// audit trail: fraud.held_expired). The recipient was answered rejected/held_for_review
/// when it was held and never charged, so nothing is refunded; a later release or reject
/// answers 404. Runs on a thread of its own, every `interval`.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "fraud/held_messages.hpp"

namespace diskret::fraud {

inline constexpr std::chrono::hours kDefaultHoldExpiry{72};

class HeldExpiry {
 public:
  using Expired = std::function<void(const ExpiredHold&)>;

  HeldExpiry(HeldMessages& held, std::chrono::milliseconds expiry, Expired on_expired,
             const Clock& clock, std::size_t batch = 500)
      : held_(held), expiry_(expiry), on_expired_(std::move(on_expired)), clock_(clock),
        batch_(batch) {}
  ~HeldExpiry() { stop(); }
  HeldExpiry(const HeldExpiry&) = delete;
  HeldExpiry& operator=(const HeldExpiry&) = delete;

  /// Rejects every hold older than the expiry now; returns how many.
  Expected<std::size_t> run_once();
  /// Runs run_once() now and then every `interval` on a thread of its own.
  void start(std::chrono::milliseconds interval);
  void stop();

 private:
  HeldMessages& held_;
  std::chrono::milliseconds expiry_;
  Expired on_expired_;
  const Clock& clock_;
  std::size_t batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace diskret::fraud
