#pragma once
/// HTTP request/response values that handlers see. No Beast here: handlers, the API and
/// their tests compile without it; only http/server.cpp converts.
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace diskret::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;   ///< "GET", "POST", ...
  std::string target;   ///< path and query as received
  std::string path;     ///< decoded path, no query
  std::string query;    ///< raw query string without '?'
  Headers headers;
  std::string body;
  std::string remote_ip;
  std::string request_id;  ///< assigned by the server (X-Request-Id), follows the work in logs
  /// Set by the Router: the matched route template ("/v1/messages/{id}") and its
  /// decoded {param} values.
  std::string route;
  std::vector<std::pair<std::string, std::string>> params;

  /// Case-insensitive header lookup; empty when absent.
  std::string_view header(std::string_view name) const;
  /// Decoded query parameter; empty when absent.
  std::string query_param(std::string_view name) const;
  /// Whether the query has the parameter at all (`?a=` counts).
  bool has_query_param(std::string_view name) const;
  /// Value of a {param} of the matched route; empty when absent.
  std::string_view param(std::string_view name) const;
};

/// Percent-decoding for paths ('+' kept) and query components ('+' is a space).
/// Returns false on a malformed escape ("%zz", "%4").
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space);

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;
  std::string body;
};

/// Must be called exactly once, from any thread.
using Respond = std::function<void(Response&&)>;
using Handler = std::function<void(Request&&, Respond)>;

}  // namespace diskret::http
