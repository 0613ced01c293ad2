#pragma once
/// StaticSite: the built portal (index.html plus hashed bundles under assets/) served from
/// memory, and the front handler that sends /v1 and the operational paths to the API and
/// everything else to the site. Hashed assets are cached for a year (immutable),
/// index.html never without revalidation; every page gets a strict Content-Security-Policy
/// (no inline script; frames only from the card vault's origin).
#include <map>
#include <string>

#include "core/expected.hpp"
#include "http/message.hpp"

namespace diskret::portal {

struct SiteOptions {
  std::string dir;           ///< the built portal; empty or missing: API only
  std::string vault_origin;  ///< "http://127.0.0.1:8443"; the only frame-src
  bool hsts = false;         ///< served over TLS: Strict-Transport-Security on every answer
};

/// The CSP of portal pages for a vault origin (empty: no frames at all).
std::string page_csp(std::string_view vault_origin);
/// "http://host:port" of a URL, empty when it has none.
std::string origin_of(std::string_view url);

class StaticSite {
 public:
  /// Loads every file under options.dir (a missing dir gives an empty site).
  static Expected<StaticSite> load(SiteOptions options);

  std::size_t files() const { return files_.size(); }
  /// GET/HEAD of a site path: the file, index.html for the portal's pages ("/compose"),
  /// 404 otherwise, 405 for other methods.
  http::Response serve(const http::Request& request) const;
  /// GET/HEAD of the site's files and pages go to the site, everything else to `api`;
  /// adds HSTS when configured. The site must outlive the handler.
  http::Handler front(http::Handler api) const;

 private:
  struct File {
    std::string content_type;
    std::string body;
    bool immutable = false;
  };
  SiteOptions options_;
  std::string csp_;
  std::map<std::string, File, std::less<>> files_;  ///< by URL path ("/assets/app-XYZ.js")
};

}  // namespace diskret::portal
