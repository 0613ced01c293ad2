#pragma once
/// Request counters and latency histograms per route template, method and status class,
/// rendered in the Prometheus text format. Thread-safe.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace diskret::http {

class HttpMetrics {
 public:
  /// Upper bounds (seconds) of the latency histogram buckets; +Inf is implicit.
  static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                  0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  void record(std::string_view route, std::string_view method, int status,
              std::chrono::nanoseconds duration);

  /// Appends diskret_http_requests_total and diskret_http_request_duration_seconds.
  void render(std::string& out) const;

 private:
  struct Series {
    std::uint64_t count = 0;
    double sum_seconds = 0;
    std::array<std::uint64_t, kBuckets.size()> buckets{};  ///< non-cumulative
  };
  using Key = std::tuple<std::string, std::string, char>;  ///< route, method, status class
  using KeyView = std::tuple<std::string_view, std::string_view, char>;
  /// Orders keys and their views alike, for lookups without allocating (comparing the two
  /// tuple types directly compiles with gcc only).
  struct KeyLess {
    using is_transparent = void;
    static KeyView view(const Key& k) { return {std::get<0>(k), std::get<1>(k), std::get<2>(k)}; }
    static const KeyView& view(const KeyView& k) { return k; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return view(a) < view(b);
    }
  };

  mutable std::mutex mutex_;
  std::map<Key, Series, KeyLess> series_;
};

/// Prometheus label value escaping (backslash, double quote, newline).
std::string escape_label(std::string_view value);

}  // namespace diskret::http
