#pragma once
/// The OpenAPI 3.1 document of the HTTP API (docs/openapi.json), embedded at build time so
/// that an installed binary serves it at GET /v1/openapi.json without the source tree.
#include <string_view>

#include "http/message.hpp"

namespace diskret::api {

/// The text of docs/openapi.json as it was when the binary was built.
std::string_view openapi_document();

/// GET /v1/openapi.json: public, cacheable (an hour, ETag; If-None-Match -> 304).
http::Response openapi_response(const http::Request& request);

}  // namespace diskret::api
