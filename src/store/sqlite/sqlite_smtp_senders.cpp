#include "store/sqlite/sqlite_smtp_senders.hpp"

#include "store/sqlite/rows.hpp"

namespace diskret::store::sqlite {
namespace {

constexpr std::string_view kInsert =
    "INSERT INTO smtp_senders(tenant_id, address_index, address, networks, created_at) "
    "VALUES (?, ?, ?, ?, ?) RETURNING id";
constexpr std::string_view kList =
    "SELECT id, tenant_id, address_index, address, networks, created_at "
    "FROM smtp_senders WHERE tenant_id = ? ORDER BY id";
constexpr std::string_view kFind =
    "SELECT id, tenant_id, address_index, address, networks, created_at "
    "FROM smtp_senders WHERE address_index = ?";
constexpr std::string_view kRemove = "DELETE FROM smtp_senders WHERE tenant_id = ? AND id = ?";

SmtpSenderRecord row(const SqlStatement& s) {
  SmtpSenderRecord r;
  r.id = static_cast<std::uint64_t>(s.int64(0));
  r.tenant_id = static_cast<std::uint64_t>(s.int64(1));
  r.address_index = s.blob(2);
  r.address = s.blob(3);
  r.networks = s.text(4);
  r.created_at = s.int64(5);
  return r;
}

}  // namespace

Expected<std::unique_ptr<SqliteSmtpSenderStore>> SqliteSmtpSenderStore::open(
    const std::filesystem::path& main_path, std::chrono::milliseconds busy_timeout) {
  auto db = SqliteDb::open_beside(main_path, busy_timeout);
  if (!db) return unexpected(db.error());
  return std::make_unique<SqliteSmtpSenderStore>(OpenToken{}, std::make_unique<SqliteDb>(std::move(*db)));
}

SqliteSmtpSenderStore::SqliteSmtpSenderStore(OpenToken, std::unique_ptr<SqlDb> db) : db_(std::move(db)) {}

Expected<std::uint64_t> SqliteSmtpSenderStore::insert(const SmtpSenderRecord& r) {
  std::lock_guard lock(mutex_);
  return insert_returning_id(*db_, kInsert, [&](SqlStatement& s) {
    s.bind(1, r.tenant_id);
    s.bind_blob(2, r.address_index);
    s.bind_blob(3, r.address);
    s.bind_text(4, r.networks);
    s.bind(5, r.created_at);
  });
}

Expected<std::vector<SmtpSenderRecord>> SqliteSmtpSenderStore::list(std::uint64_t tenant) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kList);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  return rows::all<SmtpSenderRecord>(**s, row);
}

Expected<std::optional<SmtpSenderRecord>> SqliteSmtpSenderStore::find(
    const std::string& address_index) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kFind);
  if (!s) return unexpected(s.error());
  (*s)->bind_blob(1, address_index);
  return rows::first<SmtpSenderRecord>(**s, row);
}

Expected<bool> SqliteSmtpSenderStore::remove(std::uint64_t tenant, std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kRemove);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind(2, id);
  auto ok = (*s)->run();
  if (!ok) return unexpected(ok.error());
  return db_->changes() > 0;
}

}  // namespace diskret::store::sqlite
