#pragma once
/// RFC 9457 problem details (application/problem+json): the one shape of every error the
/// HTTP API returns.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace diskret::http {

inline constexpr std::string_view kProblemContentType = "application/problem+json";
inline constexpr std::string_view kProblemTypeBase = "https://diskret.dev/problems/";

/// One entry of the `errors` array: a field ("text", "to[3]") or a recipient (`index`).
struct FieldError {
  std::string field;
  std::string reason;
  std::optional<std::size_t> index;  ///< position of the recipient, when about one
};

struct Problem {
  int status = 500;
  std::string slug;    ///< type is kProblemTypeBase + slug ("validation-failed")
  std::string title;   ///< short, the same for every occurrence of this type
  std::string detail;  ///< this occurrence; never personal data
  std::vector<FieldError> errors;
  Headers headers;     ///< extra response headers (Allow, Retry-After, WWW-Authenticate)

  /// JSON body {type, title, status, detail[, errors]}.
  std::string body() const;
  Response to_response() const;
};

/// Shorthand: `respond(problem(404, "not-found", "Not found", "No message with this id."))`.
Response problem(int status, std::string_view slug, std::string_view title, std::string detail,
                 std::vector<FieldError> errors = {});

}  // namespace diskret::http
