#include "http/router.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <utility>

#include <spdlog/spdlog.h>

#include "http/metrics.hpp"
#include "http/problem.hpp"

namespace diskret::http {
namespace {

// Test support, off unless DISKRET_RESPONSE_LOG names a file: every routed response is
// appended to it as one JSON line {method, route, status, content_type, body} so that the
// integration tests can check all their traffic against docs/openapi.json. Bodies carry
// personal data: never set it in production. Each line is one write() to an O_APPEND file,
// so the servers of tests running in parallel can share one log.
class ResponseLog {
 public:
  static ResponseLog* get() {
    static ResponseLog* log = [] {
      const char* path = std::getenv("DISKRET_RESPONSE_LOG");
      if (path == nullptr || *path == '\0') return static_cast<ResponseLog*>(nullptr);
      // Loud on purpose: an operator must not run production like this by accident.
      spdlog::warn("http: DISKRET_RESPONSE_LOG is set: every response body (personal data "
                   "included) is written to {}; a test aid, never for production", path);
      return new ResponseLog(path);
    }();
    return log;
  }
  void write(std::string_view method, std::string_view route, const Response& r) {
    boost::json::object o;
    o["method"] = method;
    o["route"] = route;
    o["status"] = r.status;
    o["content_type"] = r.content_type;
    o["body"] = r.body;
    const std::string line = boost::json::serialize(o) + "\n";
    if (fd_ >= 0) (void)!::write(fd_, line.data(), line.size());
  }

 private:
  explicit ResponseLog(const char* path)
      : fd_(::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) {}
  int fd_;  ///< open for the life of the process
};

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(std::string_view method, std::string_view pattern, Handler handler) {
  Route r{std::string(method), std::string(pattern), {}, std::move(handler)};
  for (auto s : split_path(pattern)) r.segments.emplace_back(s);
  routes_.push_back(std::move(r));
}

const Router::Route* Router::find(std::string_view method,
                                  const std::vector<std::string_view>& segments,
                                  std::string* allow) const {
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    bool match = true;
    for (std::size_t i = 0; i < segments.size() && match; ++i) {
      match = is_param(route.segments[i]) ? !segments[i].empty() : route.segments[i] == segments[i];
    }
    if (!match) continue;
    if (route.method == method) return &route;
    // Collect every method this path supports for the Allow header of a 405.
    if (allow != nullptr && allow->find(route.method) == std::string::npos) {
      if (!allow->empty()) *allow += ", ";
      *allow += route.method;
    }
  }
  return nullptr;
}

std::string_view Router::route_template(std::string_view method, std::string_view path) const {
  const Route* route = find(method, split_path(path), nullptr);
  return route != nullptr ? std::string_view(route->pattern) : kUnmatchedRoute;
}

void Router::dispatch(Request&& request, Respond respond) const {
  auto segments = split_path(request.path);
  std::string allow;
  const Route* route = find(request.method, segments, &allow);
  if (route != nullptr) {
    request.params.clear();
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const auto& s = route->segments[i];
      if (is_param(s)) request.params.emplace_back(s.substr(1, s.size() - 2), segments[i]);
    }
    request.route = route->pattern;
    route->handler(std::move(request), std::move(respond));
    return;
  }
  if (!allow.empty()) {
    Problem p{405, "method-not-allowed", "Method not allowed",
              "This resource does not support " + request.method + "; allowed: " + allow + ".",
              {}, {{"Allow", allow}}};
    respond(p.to_response());
    return;
  }
  respond(problem(404, "not-found", "Not found", "There is no resource at this path."));
}

Handler Router::handler(HttpMetrics* metrics) const {
  if (metrics == nullptr) {
    return [this](Request&& request, Respond respond) {
      dispatch(std::move(request), std::move(respond));
    };
  }
  return [this, metrics](Request&& request, Respond respond) {
    // The route label is only known after matching: dispatch runs the matching, so the
    // wrapper reads it from a shared slot the timed Respond fills in.
    auto start = std::chrono::steady_clock::now();
    auto label = std::make_shared<std::pair<std::string, std::string>>(
        std::string(kUnmatchedRoute), request.method);
    Respond timed = [metrics, start, label, inner = std::move(respond)](Response&& r) {
      metrics->record(label->first, label->second, r.status,
                      std::chrono::steady_clock::now() - start);
      if (auto* log = ResponseLog::get()) log->write(label->second, label->first, r);
      inner(std::move(r));
    };
    // Find the template before dispatching: the handler may respond synchronously.
    label->first = route_template(request.method, request.path);
    dispatch(std::move(request), std::move(timed));
  };
}

std::vector<std::pair<std::string, std::string>> Router::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.emplace_back(r.method, r.pattern);
  return out;
}

}  // namespace diskret::http
