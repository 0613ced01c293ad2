#pragma once
/// Names threads for `top -H`, `ps -L`, perf and gdb (Linux keeps 15 bytes).
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace diskret::core {

/// Names the calling thread. `name` is cut to 15 bytes; a name the system refuses leaves
/// the thread as it was.
void name_this_thread(std::string_view name) noexcept;

/// A thread that names itself `name`, then runs `body`.
template <typename Body>
std::thread named_thread(std::string_view name, Body&& body) {
  return std::thread([name = std::string(name), body = std::forward<Body>(body)]() mutable {
    name_this_thread(name);
    body();
  });
}

}  // namespace diskret::core
