#include "http/request_id.hpp"

#include <random>

#include <fmt/format.h>

#include "core/log_line.hpp"

namespace diskret::http {

bool acceptable_request_id(std::string_view id) noexcept {
  if (!core::plain_token(id)) return false;
  // The id is logged and stored with the messages in plain text: one that could be a phone
  // number (8 or more digits in a row) is replaced rather than kept.
  std::size_t run = 0;
  for (char c : id) {
    run = c >= '0' && c <= '9' ? run + 1 : 0;
    if (run >= 8) return false;
  }
  return true;
}

RequestIds::RequestIds() {
  std::random_device random;
  base_ = (std::uint64_t{random()} << 32) ^ random();
}

std::string RequestIds::assign(std::string_view incoming) {
  if (acceptable_request_id(incoming)) return std::string(incoming);
  // splitmix64 of a counter from a random start: distinct ids without a syscall each.
  std::uint64_t z = base_ + 0x9E3779B97F4A7C15ull * ++counter_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return fmt::format("{:016x}", z ^ (z >> 31));
}

}  // namespace diskret::http
