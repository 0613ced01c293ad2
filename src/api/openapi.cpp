#include "api/openapi.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <string>

namespace diskret::api {
namespace {

// FNV-1a of the document: it changes only with a new build, so a strong ETag.
const std::string& etag() {
  static const std::string tag = [] {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : openapi_document()) {
      h ^= c;
      h *= 1099511628211ull;
    }
    return fmt::format("\"{:016x}\"", h);
  }();
  return tag;
}

}  // namespace

http::Response openapi_response(const http::Request& request) {
  http::Response r;
  r.headers = {{"Cache-Control", "public, max-age=3600"}, {"ETag", etag()}};
  if (request.header("If-None-Match") == etag()) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.content_type = "application/json";
  r.body = std::string(openapi_document());
  return r;
}

}  // namespace diskret::api
