#pragma once
/// PasswordStore: replaces a portal user's Argon2id hash in the users table (a connection of
/// its own beside the main one, like TotpService). Checking the current password stays with
/// contacts::UserService::verify; this only writes. (UserService has no password change yet:
/// when it gets one, this class goes.)
#include <filesystem>
#include <memory>
#include <mutex>
#include <string_view>

#include "core/expected.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace diskret::portal {

class PasswordStore {
 public:
  static Expected<std::unique_ptr<PasswordStore>> open(const std::filesystem::path& main_path);
  explicit PasswordStore(std::unique_ptr<store::SqlDb> db);

  /// False when there is no such enabled user.
  Expected<bool> set_hash(std::uint64_t tenant, std::uint64_t user, std::string_view hash);

 private:
  std::mutex mutex_;
  std::unique_ptr<store::SqlDb> db_;
};

}  // namespace diskret::portal
