#include "crypto/secret_box.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

#include "crypto/sodium_init.hpp"

namespace diskret::crypto {
namespace {

constexpr std::size_t kNonceSize = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagSize = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kNonceSize + kTagSize == kSealOverhead);
static_assert(SecretKey::kSize == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

const unsigned char* as_uchar(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// A '|' inside a name would make two different (table, field) pairs produce the same AD.
// Names are constants in the code, so one is a programming error, not a runtime failure.
void require_no_separator(std::string_view name, const char* what) {
  if (name.find('|') != std::string_view::npos) {
    std::fprintf(stderr, "diskret: record_ad %s name must not contain '|'\n", what);
    std::abort();
  }
}

}  // namespace

std::string seal(const SecretKey& key, std::string_view plaintext, std::string_view ad) {
  detail::ensure_sodium();
  std::string out(kSealOverhead + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, kNonceSize);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceSize, &written, as_uchar(plaintext),
                                             plaintext.size(), as_uchar(ad), ad.size(), nullptr,
                                             nonce, key.data());
  return out;
}

Expected<std::string> open(const SecretKey& key, std::string_view sealed, std::string_view ad) {
  if (sealed.size() < kSealOverhead) {
    return fail(Errc::malformed, "sealed value shorter than nonce and tag");
  }
  detail::ensure_sodium();
  const auto* nonce = as_uchar(sealed);
  std::string plain(sealed.size() - kSealOverhead, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &written, nullptr, nonce + kNonceSize,
          sealed.size() - kNonceSize, as_uchar(ad), ad.size(), nonce, key.data()) != 0) {
    return fail(Errc::authentication_failed);
  }
  return plain;
}

std::string wrap_key(const SecretKey& kek, const SecretKey& key, std::string_view ad) {
  const auto bytes = key.bytes();
  return seal(kek, {reinterpret_cast<const char*>(bytes.data()), bytes.size()}, ad);
}

Expected<SecretKey> unwrap_key(const SecretKey& kek, std::string_view wrapped,
                               std::string_view ad) {
  if (wrapped.size() != kSealOverhead + SecretKey::kSize) {
    return fail(Errc::malformed, "wrapped key has the wrong length");
  }
  auto plain = open(kek, wrapped, ad);
  if (!plain) return unexpected(plain.error());
  auto key = SecretKey::from_bytes(
      std::span<const std::uint8_t, SecretKey::kSize>(
          reinterpret_cast<const std::uint8_t*>(plain->data()), SecretKey::kSize));
  sodium_memzero(plain->data(), plain->size());
  return key;
}

std::string record_ad(std::uint64_t tenant, std::string_view table, std::uint64_t record,
                      std::string_view field) {
  require_no_separator(table, "table");
  require_no_separator(field, "field");
  std::string ad;
  ad.reserve(48 + table.size() + field.size());
  ad += std::to_string(tenant);
  ad += '|';
  ad += table;
  ad += '|';
  ad += std::to_string(record);
  ad += '|';
  ad += field;
  return ad;
}

}  // namespace diskret::crypto
