#include "privacy/key_rotation.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include "crypto/master_key.hpp"
#include "crypto/secret_box.hpp"
#include "store/key_ring.hpp"

namespace diskret::privacy {
namespace {

namespace fs = std::filesystem;

// An exclusive lock on "<key file>.lock" for the whole rotation: two rotations at once
// would each rewrap under their own new key and one of those keys would be lost.
class RotationLock {
 public:
  static Expected<RotationLock> take(const fs::path& key_file) {
    fs::path path = key_file;
    path += ".lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return fail(Errc::io_error, fmt::format("cannot open {}", path.string()));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return fail(Errc::unavailable, "another key rotation is running");
    }
    return RotationLock(fd);
  }
  RotationLock(RotationLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  RotationLock& operator=(RotationLock&&) = delete;
  ~RotationLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }

 private:
  explicit RotationLock(int fd) : fd_(fd) {}
  int fd_;
};

void sync_directory(const fs::path& file) {
  const auto dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

Expected<void> remove_staging(const fs::path& key_file) {
  std::error_code ec;
  fs::remove(staging_path(key_file), ec);
  if (ec) return fail(Errc::io_error, fmt::format("cannot remove {}: {}", staging_path(key_file).string(), ec.message()));
  sync_directory(key_file);
  return {};
}

std::string ad_for(const store::WrappedKey& k, std::string_view master_id) {
  return k.kind == store::WrappedKey::Kind::tenant
             ? store::KeyRing::tenant_key_ad(k.tenant_id, k.version, master_id)
             : store::ServiceKeys::wrap_ad(k.name, k.version, master_id);
}

}  // namespace

fs::path staging_path(const fs::path& master_key_file) {
  fs::path p = master_key_file;
  p += ".next";
  return p;
}

Expected<bool> finish_interrupted_rotation(const fs::path& key_file, store::KeyVault& vault) {
  std::error_code ec;
  const auto next_path = staging_path(key_file);
  if (!fs::exists(next_path, ec)) return false;
  crypto::MasterKeyFile next(next_path);
  auto current = vault.current_master_key_id();
  if (!current) return unexpected(current.error());
  const auto next_id = next.key_id();
  if (!next_id.empty() && *current && **current == next_id) {
    // The key store was rewrapped under the staged key: it must become the key file.
    auto key = next.load();
    if (!key) return unexpected(key.error());
    crypto::MasterKeyFile file(key_file);
    if (file.key_id() != next_id) {
      if (auto ok = file.replace(*key); !ok) return unexpected(ok.error());
    }
    if (auto ok = remove_staging(key_file); !ok) return unexpected(ok.error());
    return true;
  }
  // The rotation stopped before its key-store transaction: the staged key wraps nothing.
  if (auto ok = remove_staging(key_file); !ok) return unexpected(ok.error());
  return false;
}

Expected<RotationReport> rotate_master_key(const fs::path& key_file, store::KeyVault& vault,
                                           store::MasterKeyHolder& holder,
                                           store::ServiceKeys& services, const Clock& clock) {
  auto lock = RotationLock::take(key_file);
  if (!lock) return unexpected(lock.error());
  if (auto done = finish_interrupted_rotation(key_file, vault); !done) return unexpected(done.error());
  crypto::MasterKeyFile file(key_file);
  if (auto loaded = file.load(); !loaded) return unexpected(loaded.error());
  const auto old_id = file.key_id();
  if (holder.current().id != old_id) {
    // Another process rotated since this one loaded its key.
    auto key = holder.key_for(old_id);
    if (!key) return unexpected(key.error());
  }
  if (auto ok = services.ensure_all(); !ok) return unexpected(ok.error());
  if (auto ok = vault.record_master_key(old_id, clock.now_ms()); !ok) return unexpected(ok.error());

  const auto fresh = crypto::SecretKey::generate();
  crypto::MasterKeyFile next(staging_path(key_file));
  if (auto ok = next.replace(fresh); !ok) return unexpected(ok.error());
  const auto new_id = next.key_id();
  if (new_id == old_id) return fail(Errc::internal, "the new master key equals the old one");

  auto rewrapped = vault.rewrap_all(
      new_id,
      [&](const store::WrappedKey& k) -> Expected<std::string> {
        auto kek = holder.key_for(k.master_key_id);
        if (!kek) return unexpected(kek.error());
        auto key = crypto::unwrap_key(*kek, k.wrapped, ad_for(k, k.master_key_id));
        if (!key) {
          return fail(Errc::corrupt, k.kind == store::WrappedKey::Kind::tenant
                                         ? fmt::format("the data key of tenant {} does not open", k.tenant_id)
                                         : fmt::format("the {} key does not open", k.name));
        }
        return crypto::wrap_key(fresh, *key, ad_for(k, new_id));
      },
      clock.now_ms());
  if (!rewrapped) {
    (void)remove_staging(key_file);
    return unexpected(rewrapped.error());
  }
  // From here on the key store needs the new key: install it, then drop the staging file.
  if (auto ok = file.replace(fresh); !ok) return unexpected(ok.error());
  if (auto ok = remove_staging(key_file); !ok) return unexpected(ok.error());
  holder.replace({fresh, new_id});
  return RotationReport{old_id, new_id, *rewrapped};
}

}  // namespace diskret::privacy
