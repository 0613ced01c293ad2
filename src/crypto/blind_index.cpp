#include "crypto/blind_index.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

#include "crypto/sodium_init.hpp"

namespace diskret::crypto {

static_assert(SecretKey::kSize == crypto_kdf_KEYBYTES);
static_assert(SecretKey::kSize >= crypto_generichash_KEYBYTES_MIN &&
              SecretKey::kSize <= crypto_generichash_KEYBYTES_MAX);
static_assert(std::tuple_size_v<BlindIndex> >= crypto_generichash_BYTES_MIN);

BlindIndex blind_index(const SecretKey& index_key, std::string_view value) {
  detail::ensure_sodium();
  BlindIndex out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(value.data()),
                     value.size(), index_key.data(), SecretKey::kSize);
  return out;
}

SecretKey derive_key(const SecretKey& key, std::uint64_t subkey_id, std::string_view context) {
  // The context is a constant chosen in the code; a wrong length is a bug, never input.
  if (context.size() != crypto_kdf_CONTEXTBYTES) {
    std::fprintf(stderr, "diskret: derive_key context must be exactly %d characters, got %zu\n",
                 int{crypto_kdf_CONTEXTBYTES}, context.size());
    std::abort();
  }
  detail::ensure_sodium();
  char ctx[crypto_kdf_CONTEXTBYTES];
  std::copy(context.begin(), context.end(), ctx);
  std::array<std::uint8_t, SecretKey::kSize> sub{};
  crypto_kdf_derive_from_key(sub.data(), sub.size(), subkey_id, ctx, key.data());
  auto derived = SecretKey::from_bytes(sub);
  sodium_memzero(sub.data(), sub.size());
  return derived;
}

}  // namespace diskret::crypto
