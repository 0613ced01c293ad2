#include "crypto/master_key.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "crypto/errc.hpp"
#include "crypto/sodium_init.hpp"

namespace diskret::crypto {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kHexSize = SecretKey::kSize * 2;
constexpr std::size_t kMaxFileSize = 256;  // a valid file is 65 bytes; more is not a key file

// Closes a descriptor on every return path.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int reset() {
    int rc = fd_ >= 0 ? ::close(fd_) : 0;
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

unexpected<Error> io_failure(std::string_view what, const fs::path& path) {
  return fail(diskret::Errc::io_error,
              fmt::format("cannot {} {}: {}", what, path.string(), std::strerror(errno)));
}

std::string compute_key_id(const SecretKey& key) {
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(), key.data(), SecretKey::kSize, nullptr, 0);
  std::array<char, 2 * crypto_generichash_BYTES + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), 16);
}

// Creates the missing directories of `dir` with mode 0700; existing ones are left as they are.
Expected<void> ensure_directories(const fs::path& dir) {
  fs::path partial;
  for (const auto& part : dir) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return io_failure("create directory", partial);
    }
  }
  return {};
}

fs::path directory_of(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

// Writes `contents` to a fresh temporary file next to `path` (mode 0600) and makes it
// durable, so that a crash leaves either the old or the new key, never half a file.
Expected<fs::path> write_temp(const fs::path& path, std::string_view contents) {
  detail::ensure_sodium();
  std::array<unsigned char, 8> salt{};
  randombytes_buf(salt.data(), salt.size());
  std::array<char, 17> salt_hex{};
  sodium_bin2hex(salt_hex.data(), salt_hex.size(), salt.data(), salt.size());
  fs::path temp = path;
  temp += fmt::format(".tmp-{}", salt_hex.data());

  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) return io_failure("create", temp);
  auto cleanup = [&](std::string_view what) {
    auto err = io_failure(what, temp);
    fd.reset();
    ::unlink(temp.c_str());
    return err;
  };
  if (::fchmod(fd.get(), 0600) != 0) return cleanup("set the mode of");  // umask-proof
  for (std::size_t done = 0; done < contents.size();) {
    ssize_t n = ::write(fd.get(), contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return cleanup("write");
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return cleanup("fsync");
  if (fd.reset() != 0) return cleanup("close");
  return temp;
}

Expected<void> sync_directory(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) return io_failure("fsync directory", dir);
  return {};
}

std::string encode_key_file(const SecretKey& key) {
  std::string text(kHexSize + 1, '\0');
  sodium_bin2hex(text.data(), text.size(), key.data(), SecretKey::kSize);
  text.back() = '\n';
  return text;
}

// Installs the temp file under `path`: rename() replaces, link() creates only if absent.
enum class Install : bool { create_only, replace };

Expected<void> write_key_file(const fs::path& path, const SecretKey& key, Install mode,
                              bool* already_existed) {
  auto dir = directory_of(path);
  if (auto ok = ensure_directories(dir); !ok) return ok;
  std::string text = encode_key_file(key);
  auto temp = write_temp(path, text);
  sodium_memzero(text.data(), text.size());
  if (!temp) return unexpected(temp.error());
  int rc = mode == Install::replace ? ::rename(temp->c_str(), path.c_str())
                                    : ::link(temp->c_str(), path.c_str());
  if (rc != 0) {
    const bool exists = errno == EEXIST;
    auto err = io_failure(mode == Install::replace ? "replace" : "create", path);
    ::unlink(temp->c_str());
    if (exists && already_existed != nullptr) {
      *already_existed = true;
      return {};
    }
    return err;
  }
  if (mode == Install::create_only) ::unlink(temp->c_str());
  return sync_directory(dir);
}

Expected<SecretKey> decode_key_file(const fs::path& path, std::string& text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  std::array<std::uint8_t, SecretKey::kSize> bytes{};
  std::size_t len = 0;
  const char* end = nullptr;
  bool ok = text.size() == kHexSize &&
            sodium_hex2bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &len,
                           &end) == 0 &&
            len == SecretKey::kSize && end == text.data() + text.size();
  if (!ok) {
    sodium_memzero(bytes.data(), bytes.size());
    return fail(Errc::key_file_invalid,
                fmt::format("key file {} must hold exactly {} hexadecimal characters",
                            path.string(), kHexSize));
  }
  auto key = SecretKey::from_bytes(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return key;
}

// Reads an existing key file; a file that does not exist is reported through `missing`.
Expected<SecretKey> read_key_file(const fs::path& path, bool* missing) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT && missing != nullptr) {
      *missing = true;
      return SecretKey{};
    }
    return io_failure("open key file", path);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_failure("stat key file", path);
  if (!S_ISREG(st.st_mode)) {
    return fail(Errc::key_file_invalid, fmt::format("{} is not a regular file", path.string()));
  }
  const unsigned mode = st.st_mode & 07777;
  if ((mode & (S_IRWXG | S_IRWXO)) != 0) {
    return fail(Errc::key_file_permissions,
                fmt::format("key file {} has mode {:04o}; it must not be accessible by group "
                            "or others (chmod 600 {})",
                            path.string(), mode, path.string()));
  }
  std::string text(kMaxFileSize + 1, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_failure("read key file", path);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  auto key = decode_key_file(path, text);
  sodium_memzero(text.data(), text.size());
  return key;
}

}  // namespace

Expected<SecretKey> MasterKeyFile::load() {
  detail::ensure_sodium();
  bool missing = false;
  auto key = read_key_file(path_, &missing);
  if (key && missing) {
    auto fresh = SecretKey::generate();
    bool raced = false;  // another process created the file between our open and link
    if (auto ok = write_key_file(path_, fresh, Install::create_only, &raced); !ok) {
      return unexpected(ok.error());
    }
    if (raced) return load();
    key_id_ = compute_key_id(fresh);
    return fresh;
  }
  if (key) key_id_ = compute_key_id(*key);
  return key;
}

std::string MasterKeyFile::key_id() const {
  if (key_id_.empty()) {
    // Not loaded yet: read the file, but never create it from a const accessor.
    detail::ensure_sodium();
    bool missing = false;
    if (auto key = read_key_file(path_, &missing); key && !missing) {
      key_id_ = compute_key_id(*key);
    }
  }
  return key_id_;
}

Expected<void> MasterKeyFile::replace(const SecretKey& key) {
  detail::ensure_sodium();
  if (auto ok = write_key_file(path_, key, Install::replace, nullptr); !ok) return ok;
  key_id_ = compute_key_id(key);
  return {};
}

}  // namespace diskret::crypto
