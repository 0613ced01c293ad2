#pragma once
/// The backup file format (version 1), as pure functions.
///
///   "DSKRTBAK"                      8 bytes magic
///   version                         u16 big-endian (1)
///   header length                   u32 big-endian
///   header                          JSON (BackupHeader), not secret, authenticated
///   stream header                   24 bytes (crypto::StreamSealer)
///   chunks                          u32 big-endian length + ciphertext, repeated; the last
///                                   carries the stream's end marker
///
/// The plaintext stream is the items' bytes one after another, in header order. The first
/// chunk's associated data is everything before the stream header, so the header cannot be
/// changed either. The file key is random per backup, wrapped by a backup key kept in the
/// key store (not in the backup).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace diskret::backup {

inline constexpr std::string_view kMagic = "DSKRTBAK";
inline constexpr std::uint16_t kFormatVersion = 1;
inline constexpr std::size_t kPreambleSize = 8 + 2 + 4;  ///< magic, version, header length
inline constexpr std::size_t kMaxHeaderSize = 64 * 1024;
inline constexpr std::size_t kChunkSize = 64 * 1024;     ///< plaintext bytes per chunk
inline constexpr std::size_t kMaxItems = 16;

/// One file inside the backup.
struct BackupItem {
  std::string name;  ///< file name without directories: [A-Za-z0-9._-], not "." or ".."
  std::string kind;  ///< "sqlite-main" (diskret.db)
  std::uint64_t size = 0;
  std::int64_t schema_version = 0;  ///< highest migration applied, for sqlite items
};

struct BackupHeader {
  std::int64_t created_at_ms = 0;
  std::string master_key_id;     ///< master key in force when made (for the operator)
  std::string backup_key_id;     ///< key-store key that wraps the file key
  std::string wrapped_file_key;  ///< bytes (crypto::wrap_key)
  std::string producer;          ///< e.g. "diskret 0.1"
  std::vector<BackupItem> items;

  std::uint64_t total_size() const;
};

/// Magic, version, header length and header JSON: the bytes before the stream header,
/// and the associated data of the first chunk.
std::string encode_preamble(const BackupHeader& header);

/// Result of reading the start of a file.
struct Preamble {
  std::uint32_t header_size = 0;  ///< JSON bytes that follow the kPreambleSize bytes
};
/// Checks magic and version of the first kPreambleSize bytes.
Expected<Preamble> decode_preamble_start(std::string_view first_bytes);
/// Parses and validates the header JSON.
Expected<BackupHeader> decode_header(std::string_view json);

/// Associated data binding a wrapped file key to its backup.
std::string file_key_ad(const BackupHeader& header);

bool valid_item_name(std::string_view name);

}  // namespace diskret::backup
