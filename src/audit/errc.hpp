#pragma once
/// Error codes of the audit module.
#include <system_error>

namespace diskret::audit {

enum class Errc {
  ok = 0,
  invalid_entry,  ///< a draft that cannot be recorded (bad action, subject or details)
  broken_chain,   ///< verification found an edited, missing or reordered entry
};

const std::error_category& audit_category() noexcept;
inline std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), audit_category()}; }

}  // namespace diskret::audit

template <>
struct std::is_error_code_enum<diskret::audit::Errc> : std::true_type {};
