#pragma once
/// Error: an error_code (from a per-module category) plus a human detail sentence.
#include <string>
#include <system_error>

namespace diskret {

struct Error {
  std::error_code code;
  std::string detail;  ///< one sentence for humans; never contains personal data

  Error() = default;
  Error(std::error_code c, std::string d = {}) : code(c), detail(std::move(d)) {}

  /// detail if set, otherwise the category's message for the code.
  std::string message() const { return detail.empty() ? code.message() : detail; }
};

/// Generic errors that belong to no protocol.
enum class Errc {
  ok = 0,
  invalid_argument,
  not_found,
  already_exists,
  permission_denied,
  unavailable,       ///< a dependency (database, carrier) cannot serve now
  io_error,
  corrupt,           ///< data failed an integrity check
  limit_exceeded,
  internal,
};

const std::error_category& core_category() noexcept;

inline std::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), core_category()};
}

}  // namespace diskret

template <>
struct std::is_error_code_enum<diskret::Errc> : std::true_type {};
