#pragma once
/// X-Request-Id values: a client's own id is kept when it is short and plain, otherwise
/// the server makes one (16 hex digits, unique per process, not guessable across runs).
#include <cstdint>
#include <string>
#include <string_view>

namespace diskret::http {

/// 1..64 characters of [A-Za-z0-9._:-] without 8 digits in a row (which could be a phone
/// number): safe to echo and to put in logs.
bool acceptable_request_id(std::string_view id) noexcept;

/// Not thread-safe: one per I/O thread.
class RequestIds {
 public:
  RequestIds();
  /// `incoming` if acceptable, else a new id.
  std::string assign(std::string_view incoming);

 private:
  std::uint64_t base_;
  std::uint64_t counter_ = 0;
};

}  // namespace diskret::http
