#include "crypto/stream.hpp"

#include <sodium.h>

#include <cstring>

#include "crypto/errc.hpp"
#include "crypto/sodium_init.hpp"

namespace diskret::crypto {
namespace {

using State = crypto_secretstream_xchacha20poly1305_state;

static_assert(crypto_secretstream_xchacha20poly1305_HEADERBYTES == kStreamHeaderSize);
static_assert(crypto_secretstream_xchacha20poly1305_ABYTES == kStreamChunkOverhead);
static_assert(crypto_secretstream_xchacha20poly1305_KEYBYTES == SecretKey::kSize);
// The state is kept inside the object (no heap, no sodium.h in the header).
static_assert(sizeof(State) <= 64 && alignof(State) <= 16);

State* state_of(std::array<std::uint8_t, 64>& storage) {
  return reinterpret_cast<State*>(storage.data());
}

const unsigned char* as_uchar(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

StreamSealer::StreamSealer(const SecretKey& key) {
  detail::ensure_sodium();
  crypto_secretstream_xchacha20poly1305_init_push(state_of(state_), header_.data(), key.data());
}

StreamSealer::~StreamSealer() { sodium_memzero(state_.data(), state_.size()); }

std::string StreamSealer::push(std::string_view plaintext, std::string_view ad, StreamEnd end) {
  std::string out(plaintext.size() + kStreamChunkOverhead, '\0');
  unsigned long long len = 0;
  const unsigned char tag = end == StreamEnd::yes ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                                  : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
  crypto_secretstream_xchacha20poly1305_push(
      state_of(state_), reinterpret_cast<unsigned char*>(out.data()), &len, as_uchar(plaintext),
      plaintext.size(), ad.empty() ? nullptr : as_uchar(ad), ad.size(), tag);
  out.resize(static_cast<std::size_t>(len));
  return out;
}

Expected<StreamOpener> StreamOpener::start(const SecretKey& key,
                                           std::span<const std::uint8_t> header) {
  detail::ensure_sodium();
  if (header.size() != kStreamHeaderSize) return fail(Errc::malformed, "stream header size");
  StreamOpener opener;
  if (crypto_secretstream_xchacha20poly1305_init_pull(state_of(opener.state_), header.data(),
                                                      key.data()) != 0) {
    return fail(Errc::malformed, "invalid stream header");
  }
  return opener;
}

StreamOpener::StreamOpener(StreamOpener&& other) noexcept
    : state_(other.state_), ended_(other.ended_), failed_(other.failed_) {
  sodium_memzero(other.state_.data(), other.state_.size());
  other.failed_ = true;
}

StreamOpener::~StreamOpener() { sodium_memzero(state_.data(), state_.size()); }

Expected<StreamOpener::Chunk> StreamOpener::pull(std::string_view ciphertext, std::string_view ad) {
  // Anything after the end marker is an attack or a corrupt file, never more data.
  if (failed_ || ended_ || ciphertext.size() < kStreamChunkOverhead) {
    failed_ = true;
    return fail(Errc::authentication_failed, "stream chunk does not authenticate");
  }
  Chunk chunk;
  chunk.plaintext.resize(ciphertext.size() - kStreamChunkOverhead);
  unsigned long long len = 0;
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(
          state_of(state_), reinterpret_cast<unsigned char*>(chunk.plaintext.data()), &len, &tag,
          as_uchar(ciphertext), ciphertext.size(), ad.empty() ? nullptr : as_uchar(ad),
          ad.size()) != 0) {
    failed_ = true;
    sodium_memzero(chunk.plaintext.data(), chunk.plaintext.size());
    return fail(Errc::authentication_failed, "stream chunk does not authenticate");
  }
  chunk.plaintext.resize(static_cast<std::size_t>(len));
  if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
    chunk.end = StreamEnd::yes;
    ended_ = true;
  }
  return chunk;
}

}  // namespace diskret::crypto
