#pragma once
/// GET /l/{code} (public, issue 12): the redirect of a short link. 302 to the target stored
/// for that code and nothing else (no open redirect: no target is ever taken from the
/// request), 410 once it expired, 404 for any other code; no-store and no referrer.
#include "http/router.hpp"
#include "links/links.hpp"

namespace diskret::api {

class LinksApi {
 public:
  explicit LinksApi(links::LinkService& links) : links_(links) {}
  void add_routes(http::Router& router);
  void redirect(http::Request&& request, http::Respond respond);

 private:
  links::LinkService& links_;
};

}  // namespace diskret::api
