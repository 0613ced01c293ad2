#pragma once
// Helpers for the vault tests: a temporary directory and a fixed 32-byte key.
#include <array>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>

#include <unistd.h>

#include "crypto/secret.hpp"

namespace diskret::vault::test {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    // tmpfs when there is one: the vault fsyncs every commit, which is slow on real disks
    // and proves nothing extra in unit tests.
    std::error_code ec;
    const bool shm = std::filesystem::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0;
    path_ = (shm ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path()) /
            ("diskret-vault-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Bytes 0x00..0x1f: the key the known HMAC vectors were computed with.
inline crypto::SecretKey counting_key() {
  std::array<std::uint8_t, 32> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i);
  return crypto::SecretKey::from_bytes(bytes);
}

}  // namespace diskret::vault::test
