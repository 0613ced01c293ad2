#pragma once
/// Keyed blind index (BLAKE2b, 16 bytes) for equality lookups of encrypted values. Keys
/// are per tenant, so the same number in two tenants has unrelated index values.
#include <array>
#include <cstdint>
#include <string_view>

#include "crypto/secret.hpp"

namespace diskret::crypto {

using BlindIndex = std::array<std::uint8_t, 16>;

BlindIndex blind_index(const SecretKey& index_key, std::string_view value);

/// Derives independent subkeys (crypto_kdf, BLAKE2b): e.g. a tenant's index key from its
/// data key with context "blindidx". `context` must be exactly 8 characters.
SecretKey derive_key(const SecretKey& key, std::uint64_t subkey_id, std::string_view context);

}  // namespace diskret::crypto
