#include "portal/password_store.hpp"

namespace diskret::portal {
namespace {

constexpr std::string_view kSet =
    "UPDATE users SET password_hash = ? WHERE tenant_id = ? AND id = ? AND disabled_at IS NULL";

}  // namespace

Expected<std::unique_ptr<PasswordStore>> PasswordStore::open(const std::filesystem::path& main_path) {
  auto db = store::sqlite::SqliteDb::open_beside(main_path, std::chrono::milliseconds{5'000});
  if (!db) return unexpected(db.error());
  return std::make_unique<PasswordStore>(std::make_unique<store::sqlite::SqliteDb>(std::move(*db)));
}

PasswordStore::PasswordStore(std::unique_ptr<store::SqlDb> db) : db_(std::move(db)) {}

Expected<bool> PasswordStore::set_hash(std::uint64_t tenant, std::uint64_t user,
                                       std::string_view hash) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kSet);
  if (!s) return unexpected(s.error());
  (*s)->bind_text(1, hash);
  (*s)->bind(2, tenant);
  (*s)->bind(3, user);
  auto ok = (*s)->run();
  if (!ok) return unexpected(ok.error());
  return db_->changes() > 0;
}

}  // namespace diskret::portal
