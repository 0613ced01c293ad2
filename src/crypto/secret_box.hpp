#pragma once
/// Authenticated encryption of records: XChaCha20-Poly1305 (IETF) with a random 24-byte
/// nonce stored in front of the ciphertext. The associated data binds a ciphertext to its
/// tenant, record and field, so a ciphertext moved to another row fails to open.
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "crypto/errc.hpp"
#include "crypto/secret.hpp"

namespace diskret::crypto {

inline constexpr std::size_t kSealOverhead = 24 + 16;  ///< nonce + tag

/// nonce || ciphertext || tag.
std::string seal(const SecretKey& key, std::string_view plaintext, std::string_view ad);
/// Fails with Errc::authentication_failed for a wrong key, AD or any modified byte.
Expected<std::string> open(const SecretKey& key, std::string_view sealed, std::string_view ad);

/// A key encrypted under another key (envelope encryption): seal() of its 32 bytes.
std::string wrap_key(const SecretKey& kek, const SecretKey& key, std::string_view ad);
Expected<SecretKey> unwrap_key(const SecretKey& kek, std::string_view wrapped, std::string_view ad);

/// AD for a record field: "<tenant>|<table>|<record>|<field>" with fixed separators.
std::string record_ad(std::uint64_t tenant, std::string_view table, std::uint64_t record,
                      std::string_view field);

}  // namespace diskret::crypto
