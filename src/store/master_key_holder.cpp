#include "store/master_key_holder.hpp"

#include <filesystem>

#include "crypto/master_key.hpp"

namespace diskret::store {

MasterKey MasterKeyHolder::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

Expected<crypto::SecretKey> MasterKeyHolder::key_for(std::string_view wanted) {
  {
    std::lock_guard lock(mutex_);
    if (current_.id == wanted) return current_.key;
  }
  if (reload_) {
    auto found = reload_();
    if (!found) return unexpected(found.error());
    for (auto& k : *found) {
      if (k.id == wanted) {
        std::lock_guard lock(mutex_);
        current_ = k;
        return k.key;
      }
    }
  }
  return fail(Errc::permission_denied,
              "a key is wrapped under a master key that this process does not have (rotated "
              "away, or another installation's)");
}

void MasterKeyHolder::replace(MasterKey key) {
  std::lock_guard lock(mutex_);
  current_ = std::move(key);
}

MasterKeyHolder::Reload reload_from_files(std::string path) {
  return [path = std::move(path)]() -> Expected<std::vector<MasterKey>> {
    std::vector<MasterKey> out;
    for (const auto& p : {path, path + ".next"}) {
      std::error_code ec;
      // MasterKeyFile::load() creates a missing file: only load one that exists.
      if (!std::filesystem::exists(p, ec)) continue;
      crypto::MasterKeyFile file(p);
      if (file.key_id().empty()) continue;
      auto key = file.load();
      if (!key) return unexpected(key.error());
      out.push_back({*key, file.key_id()});
    }
    return out;
  };
}

}  // namespace diskret::store
