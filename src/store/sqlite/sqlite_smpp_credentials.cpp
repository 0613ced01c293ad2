#include "store/sqlite/sqlite_smpp_credentials.hpp"

namespace diskret::store::sqlite {
namespace {

constexpr std::string_view kInsert =
    "INSERT INTO smpp_credentials(tenant_id, system_id, hash, max_window, max_tps, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
constexpr std::string_view kList =
    "SELECT id, tenant_id, system_id, hash, max_window, max_tps, created_at, revoked_at "
    "FROM smpp_credentials WHERE tenant_id = ? ORDER BY id";
constexpr std::string_view kFind =
    "SELECT id, tenant_id, system_id, hash, max_window, max_tps, created_at, revoked_at "
    "FROM smpp_credentials WHERE system_id = ?";
constexpr std::string_view kRevoke =
    "UPDATE smpp_credentials SET revoked_at = ? "
    "WHERE tenant_id = ? AND system_id = ? AND revoked_at IS NULL";

SmppCredentialRecord row(const SqlStatement& s) {
  SmppCredentialRecord r;
  r.id = static_cast<std::uint64_t>(s.int64(0));
  r.tenant_id = static_cast<std::uint64_t>(s.int64(1));
  r.system_id = s.text(2);
  r.hash = s.text(3);
  r.window = static_cast<std::uint32_t>(s.int64(4));
  r.tps = static_cast<std::uint32_t>(s.int64(5));
  r.created_at = s.int64(6);
  r.revoked_at = s.optional_int64(7);
  return r;
}

}  // namespace

Expected<std::unique_ptr<SqliteSmppCredentialStore>> SqliteSmppCredentialStore::open(
    const std::filesystem::path& main_path, std::chrono::milliseconds busy_timeout) {
  // Writers of the main database (the pipeline's group commits) hold the lock briefly;
  // waiting for them is the right answer, not failing.
  auto db = SqliteDb::open_beside(main_path, busy_timeout);
  if (!db) return unexpected(db.error());
  return std::make_unique<SqliteSmppCredentialStore>(OpenToken{}, std::make_unique<SqliteDb>(std::move(*db)));
}

SqliteSmppCredentialStore::SqliteSmppCredentialStore(OpenToken, std::unique_ptr<SqlDb> db) : db_(std::move(db)) {}

Expected<std::uint64_t> SqliteSmppCredentialStore::insert(const SmppCredentialRecord& r) {
  std::lock_guard lock(mutex_);
  return insert_returning_id(*db_, kInsert, [&](SqlStatement& s) {
    s.bind(1, r.tenant_id);
    s.bind_text(2, r.system_id);
    s.bind_text(3, r.hash);
    s.bind(4, static_cast<std::int64_t>(r.window));
    s.bind(5, static_cast<std::int64_t>(r.tps));
    s.bind(6, r.created_at);
  });
}

Expected<std::vector<SmppCredentialRecord>> SqliteSmppCredentialStore::list(std::uint64_t tenant) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kList);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  std::vector<SmppCredentialRecord> out;
  for (;;) {
    auto more = (*s)->step();
    if (!more) return unexpected(more.error());
    if (!*more) break;
    out.push_back(row(**s));
  }
  return out;
}

Expected<std::optional<SmppCredentialRecord>> SqliteSmppCredentialStore::find(
    std::string_view system_id) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kFind);
  if (!s) return unexpected(s.error());
  (*s)->bind_text(1, system_id);
  auto more = (*s)->step();
  if (!more) return unexpected(more.error());
  if (!*more) return std::optional<SmppCredentialRecord>{};
  return std::optional<SmppCredentialRecord>{row(**s)};
}

Expected<bool> SqliteSmppCredentialStore::revoke(std::uint64_t tenant, std::string_view system_id,
                                                 std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kRevoke);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, now_ms);
  (*s)->bind(2, tenant);
  (*s)->bind_text(3, system_id);
  auto ok = (*s)->run();
  if (!ok) return unexpected(ok.error());
  return db_->changes() > 0;
}

}  // namespace diskret::store::sqlite
