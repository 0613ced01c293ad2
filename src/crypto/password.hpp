#pragma once
/// Password and API key hashing.
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "crypto/secret.hpp"

namespace diskret::crypto {

/// Argon2id (libsodium crypto_pwhash_str, interactive limits) for user passwords.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view hash, std::string_view password);

/// API keys and SMPP passwords are high-entropy random secrets: a keyed BLAKE2b-256 (the
/// key is a server-side pepper) is enough and fast enough to check on every request.
std::string hash_secret(const SecretKey& pepper, std::string_view secret);

}  // namespace diskret::crypto
