#pragma once
/// The parameters of a control request, from its query string, a form body or a JSON
/// object body, as name/value strings (later sources win). No HTTP here.
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "smsc_sim/fault_plan.hpp"

namespace diskret::smsc_sim {

/// Decodes application/x-www-form-urlencoded ('+' is a space, %XX a byte).
Expected<Params> parse_form(std::string_view text);

/// query: without '?'. A JSON body must be an object of strings, numbers or booleans.
Expected<Params> parse_control_params(std::string_view query, std::string_view content_type,
                                      std::string_view body);

/// The last value of `name`, if present.
std::optional<std::string> find_param(const Params& params, std::string_view name);

}  // namespace diskret::smsc_sim
