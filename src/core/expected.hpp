#pragma once
/// The one result type of diskret: a value or an Error. g++ 12 lacks std::expected.
#include <tl/expected.hpp>

#include "core/error.hpp"

namespace diskret {

template <class T, class E = Error>
using Expected = tl::expected<T, E>;

using tl::unexpected;

/// Shorthand for returning a failure: `return fail(errc::bad_input, "why")`.
template <class Code>
inline unexpected<Error> fail(Code code, std::string detail = {}) {
  return unexpected<Error>(Error{make_error_code(code), std::move(detail)});
}

}  // namespace diskret
