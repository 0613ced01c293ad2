#include "portal/static_site.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "http/problem.hpp"

namespace diskret::portal {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kHsts = "max-age=63072000; includeSubDomains";

std::string content_type_of(const fs::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".json") return "application/json";
  if (ext == ".map") return "application/json";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".woff2") return "font/woff2";
  return "application/octet-stream";
}

// The portal's pages (portal/src/main.ts): each is index.html, the app routes itself. Any
// other path belongs to the API (or nobody), so new public routes of the router (short
// links, ...) are never shadowed by the portal.
constexpr std::string_view kAppRoutes[] = {"/",         "/login",    "/security", "/compose",
                                           "/messages", "/contacts", "/campaigns", "/inbound",
                                           "/billing",  "/privacy",  "/settings", "/account"};

bool app_route(std::string_view path) {
  for (auto r : kAppRoutes) {
    if (path == r) return true;
  }
  return false;
}

}  // namespace

std::string origin_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  auto end = url.find('/', scheme + 3);
  return std::string(url.substr(0, end));
}

std::string page_csp(std::string_view vault_origin) {
  std::string frames = vault_origin.empty() ? "'none'" : std::string(vault_origin);
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
         "font-src 'self'; connect-src 'self'; frame-src " + frames +
         "; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
}

Expected<StaticSite> StaticSite::load(SiteOptions options) {
  StaticSite site;
  site.csp_ = page_csp(options.vault_origin);
  site.options_ = std::move(options);
  std::error_code ec;
  const fs::path root(site.options_.dir);
  if (site.options_.dir.empty() || !fs::is_directory(root, ec)) return site;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in) return fail(Errc::io_error, "cannot read " + it->path().string());
    const std::string rel = "/" + fs::relative(it->path(), root).generic_string();
    // esbuild names bundles "assets/app-<hash>.js": those never change under one name.
    const bool immutable = rel.starts_with("/assets/");
    site.files_.emplace(rel, File{content_type_of(it->path()), body.str(), immutable});
  }
  if (ec) return fail(Errc::io_error, "cannot list " + site.options_.dir + ": " + ec.message());
  return site;
}

http::Response StaticSite::serve(const http::Request& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    http::Problem p{405, "method-not-allowed", "Method not allowed",
                    "Portal pages are only read.", {}, {{"Allow", "GET, HEAD"}}};
    return p.to_response();
  }
  std::string_view path = request.path;
  auto it = files_.find(path);
  if (it == files_.end() && app_route(path)) it = files_.find(std::string_view("/index.html"));
  if (it == files_.end()) {
    return http::problem(404, "not-found", "Not found", "There is no resource at this path.");
  }
  http::Response r{200, it->second.content_type, {}, request.method == "HEAD" ? "" : it->second.body};
  r.headers.emplace_back("Cache-Control", it->second.immutable
                                              ? "public, max-age=31536000, immutable"
                                              : "no-cache");
  r.headers.emplace_back("Content-Security-Policy", csp_);
  r.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  r.headers.emplace_back("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  return r;
}

http::Handler StaticSite::front(http::Handler api) const {
  return [this, api = std::move(api)](http::Request&& request, http::Respond respond) {
    if (options_.hsts) {
      respond = [inner = std::move(respond)](http::Response&& r) {
        r.headers.emplace_back("Strict-Transport-Security", std::string(kHsts));
        inner(std::move(r));
      };
    }
    const bool get = request.method == "GET" || request.method == "HEAD";
    if (get && (app_route(request.path) || files_.contains(request.path))) {
      return respond(serve(request));
    }
    api(std::move(request), std::move(respond));
  };
}

}  // namespace diskret::portal
