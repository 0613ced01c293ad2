#pragma once
/// EvenSpread: picks a given share of a sequence of events, evenly and deterministically
/// (ratio 0.1 picks events 10, 20, 30, ...), so fault tests can count exact outcomes.
#include <cstdint>

namespace diskret::smsc_sim {

class EvenSpread {
 public:
  /// ratio is clamped to [0, 1]; resolution is 1e-9.
  explicit EvenSpread(double ratio = 0) noexcept;

  /// Counts one more event; true when this event belongs to the picked share.
  bool next() noexcept;
  double ratio() const noexcept;
  std::uint64_t events() const noexcept { return events_; }

 private:
  static constexpr std::uint64_t kScale = 1'000'000'000;
  std::uint64_t parts_ = 0;   ///< ratio * kScale
  std::uint64_t events_ = 0;
  std::uint64_t acc_ = 0;     ///< (events_ * parts_) mod kScale, kept without overflow
};

}  // namespace diskret::smsc_sim
