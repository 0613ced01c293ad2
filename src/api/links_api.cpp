#include "api/links_api.hpp"

#include "api/authenticator.hpp"
#include "http/problem.hpp"

namespace diskret::api {

void LinksApi::add_routes(http::Router& router) {
  router.add("GET", "/l/{code}", [this](http::Request&& r, http::Respond respond) {
    redirect(std::move(r), std::move(respond));
  });
}

void LinksApi::redirect(http::Request&& request, http::Respond respond) {
  auto resolved = links_.resolve(request.param("code"));
  if (!resolved) {
    return respond(unavailable_problem("The link cannot be followed right now.", std::chrono::seconds{1})
                       .to_response());
  }
  switch (resolved->first) {
    case links::Resolution::found: {
      http::Response r{302, "text/plain", {}, {}};
      r.headers.emplace_back("Location", resolved->second);
      r.headers.emplace_back("Cache-Control", "no-store");
      r.headers.emplace_back("Referrer-Policy", "no-referrer");
      return respond(std::move(r));
    }
    case links::Resolution::expired:
      return respond(http::problem(410, "link-expired", "Link expired",
                                   "This link has expired."));
    case links::Resolution::not_found:
      break;
  }
  respond(http::problem(404, "not-found", "Not found", "There is no such link."));
}

}  // namespace diskret::api
