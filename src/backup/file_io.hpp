#pragma once
/// Small POSIX file helpers for backups: a file that appears under its name only once it is
/// complete and durable, and plain sequential reads.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace diskret::backup {

/// Written as "<path>.partial-<random>" with mode 0600; commit() fsyncs it, renames it to
/// `path` and fsyncs the directory. Destroyed without commit(), the partial file is removed.
class AtomicFile {
 public:
  static Expected<AtomicFile> create(const std::filesystem::path& path);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();

  Expected<void> write(std::string_view bytes);
  Expected<void> commit();
  std::uint64_t written() const noexcept { return written_; }

 private:
  AtomicFile(std::filesystem::path path, std::filesystem::path temp, int fd)
      : path_(std::move(path)), temp_(std::move(temp)), fd_(fd) {}
  std::filesystem::path path_;
  std::filesystem::path temp_;
  int fd_ = -1;
  std::uint64_t written_ = 0;
};

class InputFile {
 public:
  static Expected<InputFile> open(const std::filesystem::path& path);
  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&&) = delete;
  ~InputFile();

  /// Up to `size` bytes; fewer only at the end of the file.
  Expected<std::string> read(std::size_t size);
  std::uint64_t offset() const noexcept { return offset_; }

 private:
  InputFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t offset_ = 0;
};

}  // namespace diskret::backup
