#include "http/metrics.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace diskret::http {

std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void HttpMetrics::record(std::string_view route, std::string_view method, int status,
                         std::chrono::nanoseconds duration) {
  // The method is the client's choice: only standard ones become label values, so that
  // nobody can grow the series without bound.
  static constexpr std::string_view kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) method = "OTHER";
  double seconds = std::chrono::duration<double>(duration).count();
  char status_class = status >= 100 && status <= 599 ? static_cast<char>('0' + status / 100) : '5';
  std::lock_guard lock(mutex_);
  // Heterogeneous lookup: no string allocations once the series exists.
  auto it = series_.find(KeyView{route, method, status_class});
  if (it == series_.end()) {
    it = series_.emplace(Key{std::string(route), std::string(method), status_class}, Series{})
             .first;
  }
  auto& s = it->second;
  ++s.count;
  s.sum_seconds += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++s.buckets[i];
      break;
    }
  }
}

void HttpMetrics::render(std::string& out) const {
  std::lock_guard lock(mutex_);
  out += "# HELP diskret_http_requests_total HTTP requests answered, by route template.\n";
  out += "# TYPE diskret_http_requests_total counter\n";
  for (const auto& [key, s] : series_) {
    const auto& [route, method, cls] = key;
    fmt::format_to(std::back_inserter(out),
                   "diskret_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}xx\"}} {}\n",
                   escape_label(route), escape_label(method), cls, s.count);
  }
  out += "# HELP diskret_http_request_duration_seconds Time from request read to response.\n";
  out += "# TYPE diskret_http_request_duration_seconds histogram\n";
  for (const auto& [key, s] : series_) {
    const auto& [route, method, cls] = key;
    std::string labels = fmt::format("route=\"{}\",method=\"{}\",status=\"{}xx\"",
                                     escape_label(route), escape_label(method), cls);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += s.buckets[i];
      fmt::format_to(std::back_inserter(out),
                     "diskret_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels,
                     kBuckets[i], cumulative);
    }
    fmt::format_to(std::back_inserter(out),
                   "diskret_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n"
                   "diskret_http_request_duration_seconds_sum{{{}}} {}\n"
                   "diskret_http_request_duration_seconds_count{{{}}} {}\n",
                   labels, s.count, labels, s.sum_seconds, labels, s.count);
  }
}

}  // namespace diskret::http
