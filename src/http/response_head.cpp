#include "http/response_head.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>


namespace diskret::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool safe(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos; }

void append_number(std::string& out, std::size_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

std::string serialize_head(const Response& response, std::string_view request_id, bool keep_alive) {
  std::string out;
  out.reserve(320 + response.headers.size() * 48);
  out.append("HTTP/1.1 ");
  int status = response.status >= 100 && response.status <= 999 ? response.status : 500;
  append_number(out, static_cast<std::size_t>(status));
  out.push_back(' ');
  out.append(reason_phrase(status));
  out.append("\r\n");
  if (!response.content_type.empty() && safe(response.content_type)) {
    append_field(out, "Content-Type", response.content_type);
  }
  for (const auto& [name, value] : response.headers) {
    // The server owns framing: a handler cannot set these.
    if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") ||
        iequals(name, "Connection") || iequals(name, "X-Request-Id") || name.empty() || !safe(name) ||
        !safe(value)) {
      continue;
    }
    append_field(out, name, value);
  }
  for (const auto& [name, value] : kSecurityHeaders) {
    bool overridden = std::any_of(response.headers.begin(), response.headers.end(),
                                  [name = name](const auto& h) { return iequals(h.first, name); });
    if (!overridden) append_field(out, name, value);
  }
  if (!request_id.empty() && safe(request_id)) append_field(out, "X-Request-Id", request_id);
  out.append("Content-Length: ");
  append_number(out, response.body.size());
  out.append("\r\n");
  if (!keep_alive) out.append("Connection: close\r\n");
  out.append("\r\n");
  return out;
}

}  // namespace diskret::http
