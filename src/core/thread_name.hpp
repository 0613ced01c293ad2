#pragma once
/// Names the calling thread for `top -H`, `ps -L`, perf and gdb (Linux keeps 15 bytes).
#include <string_view>

namespace diskret::core {

/// `name` is cut to 15 bytes; a name the system refuses leaves the thread as it was.
void name_this_thread(std::string_view name) noexcept;

}  // namespace diskret::core
