#pragma once
/// Authenticated encryption of a long stream in chunks (libsodium secretstream,
/// XChaCha20-Poly1305). Each chunk is bound to the ones before it, so chunks cannot be
/// dropped, repeated or reordered, and the last one carries an end marker, so a truncated
/// stream is told apart from a complete one.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "crypto/secret.hpp"

namespace diskret::crypto {

inline constexpr std::size_t kStreamHeaderSize = 24;    ///< written once, before the chunks
inline constexpr std::size_t kStreamChunkOverhead = 17;  ///< per chunk: tag byte + MAC

using StreamHeader = std::array<std::uint8_t, kStreamHeaderSize>;

enum class StreamEnd : bool { no, yes };

/// Encrypts one stream. Its state (a key derived per stream) is wiped on destruction.
class StreamSealer {
 public:
  /// Starts a stream under `key` with a fresh random header.
  explicit StreamSealer(const SecretKey& key);
  ~StreamSealer();
  StreamSealer(const StreamSealer&) = delete;
  StreamSealer& operator=(const StreamSealer&) = delete;

  const StreamHeader& header() const noexcept { return header_; }
  /// The next chunk's ciphertext (plaintext size + kStreamChunkOverhead). `ad` is
  /// authenticated, not stored. The chunk with StreamEnd::yes must be the last.
  std::string push(std::string_view plaintext, std::string_view ad, StreamEnd end);

 private:
  StreamHeader header_{};
  alignas(16) std::array<std::uint8_t, 64> state_{};
};

/// Decrypts a stream made by StreamSealer.
class StreamOpener {
 public:
  /// Errc::malformed when `header` is not kStreamHeaderSize bytes.
  static Expected<StreamOpener> start(const SecretKey& key, std::span<const std::uint8_t> header);
  ~StreamOpener();
  StreamOpener(StreamOpener&& other) noexcept;
  StreamOpener& operator=(StreamOpener&&) = delete;

  struct Chunk {
    std::string plaintext;
    StreamEnd end = StreamEnd::no;
  };
  /// The next chunk. Errc::authentication_failed for a wrong key or AD, a modified,
  /// dropped or reordered chunk, or any chunk after the end marker; the opener is unusable
  /// after a failure.
  Expected<Chunk> pull(std::string_view ciphertext, std::string_view ad);
  /// True once the chunk carrying the end marker was opened.
  bool ended() const noexcept { return ended_; }

 private:
  StreamOpener() = default;
  alignas(16) std::array<std::uint8_t, 64> state_{};
  bool ended_ = false;
  bool failed_ = false;
};

}  // namespace diskret::crypto
