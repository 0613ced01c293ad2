#pragma once
/// Where the master key comes from. Today a key file (mode 0600, created on first start);
/// the interface lets an external KMS provide it later.
#include <filesystem>
#include <memory>
#include <string>

#include "core/expected.hpp"
#include "crypto/secret.hpp"

namespace diskret::crypto {

class MasterKeySource {
 public:
  virtual ~MasterKeySource() = default;
  /// The current master key and its id (ids let rotated wrappings be told apart).
  virtual Expected<SecretKey> load() = 0;
  virtual std::string key_id() const = 0;
};

/// A file with the 32 key bytes, hex-encoded on one line. Created with mode 0600 (and its
/// directory 0700) when missing; refused when group or others can read it.
class MasterKeyFile final : public MasterKeySource {
 public:
  explicit MasterKeyFile(std::filesystem::path path) : path_(std::move(path)) {}
  // MasterKeySource
  Expected<SecretKey> load() override;
  std::string key_id() const override;
  /// Writes a new key atomically (temp file + fsync + rename), keeping mode 0600.
  Expected<void> replace(const SecretKey& key);

 private:
  std::filesystem::path path_;
  mutable std::string key_id_;
};

}  // namespace diskret::crypto
