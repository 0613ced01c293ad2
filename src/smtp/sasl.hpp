#pragma once
/// SASL helpers for AUTH PLAIN and LOGIN (RFC 4616, RFC 4954): base64 and the PLAIN message.
#include <optional>
#include <string>
#include <string_view>

namespace diskret::smtp {

/// Standard base64 with '=' padding; nullopt on any other character or bad padding.
std::optional<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

struct Credentials {
  std::string user;
  std::string password;
};

/// "authzid NUL authcid NUL passwd". The authzid must be empty or equal the authcid (a
/// tenant cannot act as another); nullopt otherwise or when a part is missing or empty.
std::optional<Credentials> parse_plain(std::string_view message);

}  // namespace diskret::smtp
