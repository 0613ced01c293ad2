#include "backup/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "backup/errc.hpp"
#include "crypto/secret.hpp"

namespace diskret::backup {
namespace {

namespace fs = std::filesystem;

unexpected<Error> io_failure(std::string_view what, const fs::path& path) {
  return fail(Errc::io_error, fmt::format("cannot {} {}: {}", what, path.string(), std::strerror(errno)));
}

fs::path directory_of(const fs::path& p) { return p.has_parent_path() ? p.parent_path() : fs::path("."); }

}  // namespace

Expected<AtomicFile> AtomicFile::create(const fs::path& path) {
  fs::path temp = path;
  temp += ".partial-" + crypto::random_token(6);
  // 0600: a backup is encrypted, but its size and timing are nobody else's business.
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_failure("create", temp);
  if (::fchmod(fd, 0600) != 0) {
    auto err = io_failure("set the mode of", temp);
    ::close(fd);
    ::unlink(temp.c_str());
    return err;
  }
  return AtomicFile(path, std::move(temp), fd);
}

AtomicFile::AtomicFile(AtomicFile&& o) noexcept
    : path_(std::move(o.path_)), temp_(std::move(o.temp_)), fd_(std::exchange(o.fd_, -1)),
      written_(o.written_) {
  o.temp_.clear();
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

Expected<void> AtomicFile::write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_failure("write", temp_);
    bytes.remove_prefix(static_cast<std::size_t>(n));
    written_ += static_cast<std::uint64_t>(n);
  }
  return {};
}

Expected<void> AtomicFile::commit() {
  if (::fsync(fd_) != 0) return io_failure("fsync", temp_);
  const int rc = ::close(std::exchange(fd_, -1));
  if (rc != 0) return io_failure("close", temp_);
  if (::rename(temp_.c_str(), path_.c_str()) != 0) return io_failure("rename into", path_);
  temp_.clear();
  const auto dir = directory_of(path_);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return io_failure("open directory", dir);
  const int synced = ::fsync(dfd);
  ::close(dfd);
  if (synced != 0) return io_failure("fsync directory", dir);
  return {};
}

Expected<InputFile> InputFile::open(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_failure("open", path);
  return InputFile(path, fd);
}

InputFile::InputFile(InputFile&& o) noexcept
    : path_(std::move(o.path_)), fd_(std::exchange(o.fd_, -1)), offset_(o.offset_) {}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

Expected<std::string> InputFile::read(std::size_t size) {
  std::string out(size, '\0');
  std::size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd_, out.data() + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_failure("read", path_);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  offset_ += got;
  return out;
}

}  // namespace diskret::backup
