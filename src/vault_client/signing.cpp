#include "vault_client/signing.hpp"

#include <string>

#include "crypto/digest.hpp"

namespace diskret::vault_client {
namespace {

bool token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

std::string canonical_request(std::string_view method, std::string_view target,
                              std::string_view timestamp, std::string_view nonce,
                              std::string_view body) {
  std::string s;
  s.reserve(method.size() + target.size() + timestamp.size() + nonce.size() + 68);
  s.append(method).append("\n").append(target).append("\n").append(timestamp).append("\n");
  s.append(nonce).append("\n").append(crypto::sha256_hex(body));
  return s;
}

std::string request_signature(const crypto::SecretKey& secret, std::string_view method,
                              std::string_view target, std::string_view timestamp,
                              std::string_view nonce, std::string_view body) {
  return crypto::hmac_sha256_hex(secret, canonical_request(method, target, timestamp, nonce, body));
}

SignedHeaders sign_request(const crypto::SecretKey& secret, std::string_view method,
                           std::string_view target, std::string_view body,
                           std::int64_t unix_seconds) {
  SignedHeaders h;
  h.timestamp = std::to_string(unix_seconds);
  h.nonce = crypto::random_token(18);  // 24 URL-safe characters, 144 random bits
  h.signature = request_signature(secret, method, target, h.timestamp, h.nonce, body);
  return h;
}

bool valid_owner(std::string_view owner) noexcept {
  if (owner.empty() || owner.size() > kMaxOwnerLength) return false;
  for (char c : owner) {
    if (!token_char(c) && c != '.' && c != ':') return false;
  }
  return true;
}

bool valid_nonce(std::string_view nonce) noexcept {
  if (nonce.size() < kMinNonceLength || nonce.size() > kMaxNonceLength) return false;
  for (char c : nonce) {
    if (!token_char(c)) return false;
  }
  return true;
}

std::string owner_signature(const crypto::SecretKey& secret, std::string_view owner,
                            std::int64_t expires) {
  std::string message = "form\n";
  message.append(owner).append("\n").append(std::to_string(expires));
  return crypto::hmac_sha256_hex(secret, message);
}

}  // namespace diskret::vault_client
