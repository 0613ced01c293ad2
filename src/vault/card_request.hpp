#pragma once
/// Reads the JSON body of POST /v1/cards into a CardInput without leaving copies of the
/// card number or CVC on the heap: the JSON is parsed into a fixed stack arena that is
/// wiped before returning.
#include <functional>
#include <string_view>

#include "core/expected.hpp"
#include "vault/card_number.hpp"

namespace diskret::vault {

/// Why the body could not be read as a card at all (not JSON, not an object, too large).
struct CardBodyError {
  std::string detail;
};

/// Parses `body` and calls `use` with the input while the parsed values are alive.
/// Type errors of individual fields ("exp_month must be a number") and unknown fields are
/// reported as field errors through `type_errors`, not as CardBodyError.
Expected<void, CardBodyError> with_card_input(
    std::string_view body, const std::function<void(const CardInput&, const CardFieldErrors&)>& use);

}  // namespace diskret::vault
