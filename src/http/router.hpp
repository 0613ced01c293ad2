#pragma once
/// Router: method + path template ("/v1/messages/{id}") -> Handler. Pure (no Beast), so it
/// and its handlers are testable without sockets. Unknown paths answer 404, known paths
/// with another method 405 with an Allow header, both as problem+json.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"

namespace diskret::http {

class HttpMetrics;

/// Metrics label of requests that match no route (keeps label cardinality bounded).
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

class Router {
 public:
  /// `pattern` segments are literals or `{name}` (matches one non-empty segment; its decoded
  /// value is in Request::params). Routes are matched in the order added.
  void add(std::string_view method, std::string_view pattern, Handler handler);

  /// Matches, fills Request::route / params and calls the route's handler, or answers
  /// 404/405 itself.
  void dispatch(Request&& request, Respond respond) const;

  /// A Handler for the Server that dispatches through this router (which must outlive it).
  /// With `metrics`, every response is counted and timed by route template and status.
  Handler handler(HttpMetrics* metrics = nullptr) const;

  /// The template the request would be routed to; kUnmatchedRoute when none.
  std::string_view route_template(std::string_view method, std::string_view path) const;

  /// Every route as (method, pattern), in the order added (route listings, the
  /// authorization matrix test).
  std::vector<std::pair<std::string, std::string>> routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  ///< "{id}" kept verbatim
    Handler handler;
  };
  /// The matching route, or nullptr; then `allow` lists the methods the path supports.
  const Route* find(std::string_view method, const std::vector<std::string_view>& segments,
                    std::string* allow) const;
  std::vector<Route> routes_;
};

}  // namespace diskret::http
