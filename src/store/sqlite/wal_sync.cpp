#include "store/sqlite/wal_sync.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace diskret::store::sqlite {
namespace {

Error io_error(const std::filesystem::path& path, std::string_view what, int err) {
  return Error{make_error_code(Errc::unavailable),
               std::string(what) + " " + path.string() + ": " + std::strerror(err)};
}

}  // namespace

WalSync::WalSync(const std::filesystem::path& database) : wal_(database.string() + "-wal") {}

WalSync::~WalSync() {
  if (fd_ >= 0) ::close(fd_);
}

Expected<void> WalSync::sync() {
  std::lock_guard lock(mutex_);
  struct stat st {};
  // Called after a commit on a connection that is still open: the log exists. Without it
  // nothing could be synced, which must not pass for success.
  if (::stat(wal_.c_str(), &st) != 0) return unexpected(io_error(wal_, "stat", errno));
  if (fd_ < 0 || st.st_dev != dev_ || st.st_ino != ino_) {
    const int fd = ::open(wal_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return unexpected(io_error(wal_, "open", errno));
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
    dev_ = st.st_dev;
    ino_ = st.st_ino;
  }
  if (::fdatasync(fd_) != 0) return unexpected(io_error(wal_, "fdatasync", errno));
  return {};
}

}  // namespace diskret::store::sqlite
