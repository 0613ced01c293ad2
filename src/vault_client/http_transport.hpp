#pragma once
/// A minimal blocking HTTP/1.1 client over a plain socket, one request per connection:
/// enough for the few service calls to the vault, without pulling Beast into the platform
/// modules that bill. Internal to vault_client.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/expected.hpp"

namespace diskret::vault_client {

struct BaseUrl {
  std::string host;  ///< name or address, without brackets for IPv6
  std::uint16_t port = 80;
  std::string path_prefix;  ///< "" or "/prefix" (no trailing slash)
  std::string origin;       ///< "http://host:port" as given, for building browser URLs
};

/// Parses "http://host[:port][/prefix]". https is refused (not supported by this client;
/// put the vault on loopback or a private network, or front both with a TLS tunnel).
Expected<BaseUrl> parse_base_url(std::string_view url);

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// Case-insensitive; empty when absent.
  std::string_view header(std::string_view name) const;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// Sends one request and reads the whole answer within `timeout` (connect included).
Expected<HttpReply> http_request(const BaseUrl& base, std::string_view method,
                                 std::string_view target, const HeaderList& headers,
                                 std::string_view body, std::chrono::milliseconds timeout);

}  // namespace diskret::vault_client
