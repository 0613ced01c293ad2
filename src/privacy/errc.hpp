#pragma once
/// Error codes of the privacy module.
#include <system_error>

namespace diskret::privacy {

enum class Errc {
  ok = 0,
  invalid_policy,  ///< a retention setting out of range or inconsistent
  erased,          ///< the data subject was erased: nothing left to read
};

const std::error_category& privacy_category() noexcept;
inline std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), privacy_category()}; }

}  // namespace diskret::privacy

template <>
struct std::is_error_code_enum<diskret::privacy::Errc> : std::true_type {};
