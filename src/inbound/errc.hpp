#pragma once
/// Error codes of the inbound module: keyword configuration, inbound numbers, webhook
/// settings and deliveries.
#include <system_error>

namespace diskret::inbound {

enum class Errc {
  ok = 0,
  invalid_keyword,    ///< empty, too long or control characters after normalisation
  duplicate_keyword,  ///< the same keyword in two lists (detail names the lists)
  no_stop_keyword,    ///< a tenant may not switch opt-out by SMS off
  invalid_number,     ///< neither a valid long number nor a short code
  invalid_url,        ///< webhook URL refused (detail says why)
  invalid_secret,     ///< webhook secret too short, too long or not printable
  invalid_text,       ///< reply text empty or too long
};

const std::error_category& inbound_category() noexcept;
inline std::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), inbound_category()};
}

}  // namespace diskret::inbound

template <>
struct std::is_error_code_enum<diskret::inbound::Errc> : std::true_type {};
