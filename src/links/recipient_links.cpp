#include "links/recipient_links.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <mutex>

#include "store/sqlite/sqlite_db.hpp"

namespace diskret::links {
namespace {

using store::SqlDb;
using store::SqlStatement;
using store::sqlite::SqliteDb;

constexpr std::string_view kInsert =
    "INSERT INTO short_link_recipients(code, link_code, tenant_id, recipient_blind, recipient, "
    "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kFind =
    "SELECT code, link_code, tenant_id, recipient_blind, recipient, created_at, expires_at "
    "FROM short_link_recipients WHERE code = ?";
constexpr std::string_view kClick =
    "INSERT INTO short_link_recipient_clicks(code, link_code, clicked_at) VALUES (?, ?, ?)";
constexpr std::string_view kClicks =
    "SELECT c.id, c.code, c.link_code, r.recipient, c.clicked_at "
    "FROM short_link_recipient_clicks c JOIN short_link_recipients r ON r.code = c.code "
    "WHERE c.link_code = ? AND r.tenant_id = ? AND c.id > ? ORDER BY c.id LIMIT ?";
constexpr std::string_view kClicksOf =
    "SELECT c.id, c.code, c.link_code, r.recipient, c.clicked_at "
    "FROM short_link_recipients r JOIN short_link_recipient_clicks c ON c.code = r.code "
    "WHERE r.tenant_id = ? AND r.recipient_blind = ? ORDER BY c.id";
constexpr std::string_view kEraseClicks =
    "DELETE FROM short_link_recipient_clicks WHERE code IN (SELECT code FROM "
    "short_link_recipients WHERE tenant_id = ? AND recipient_blind = ?)";
constexpr std::string_view kErase =
    "DELETE FROM short_link_recipients WHERE tenant_id = ? AND recipient_blind = ?";
constexpr std::string_view kPurgeClicks =
    "DELETE FROM short_link_recipient_clicks WHERE code IN (SELECT code FROM "
    "short_link_recipients WHERE expires_at < ?)";
constexpr std::string_view kPurge = "DELETE FROM short_link_recipients WHERE expires_at < ?";
constexpr std::string_view kCount = "SELECT COUNT(*) FROM short_link_recipients WHERE tenant_id = ?";

Expected<std::vector<RecipientClick>> read_clicks(SqlStatement& s) {
  std::vector<RecipientClick> out;
  for (;;) {
    auto row = s.step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    RecipientClick c;
    c.id = static_cast<std::uint64_t>(s.int64(0));
    c.code = s.text(1);
    c.link_code = s.text(2);
    c.sealed_recipient = s.blob(3);
    c.clicked_ms = s.int64(4);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

class SqliteRecipientLinkStore::Impl {
 public:
  explicit Impl(std::unique_ptr<SqlDb> connection) : owned(std::move(connection)), db(*owned) {}
  std::mutex mutex;
  std::unique_ptr<SqlDb> owned;
  SqlDb& db;

  // Two deletes in one transaction: clicks first, then the codes they hang off.
  Expected<std::size_t> delete_pair(std::string_view clicks_sql, std::string_view codes_sql,
                                    const std::function<void(SqlStatement&)>& bind) {
    if (auto ok = db.begin(); !ok) return unexpected(ok.error());
    std::size_t deleted = 0;
    for (auto sql : {clicks_sql, codes_sql}) {
      auto s = db.use(sql);
      Expected<void> ok = s ? Expected<void>{} : Expected<void>(unexpected(s.error()));
      if (ok) {
        bind(**s);
        ok = (*s)->run();
      }
      if (!ok) {
        (void)db.exec("ROLLBACK");
        return unexpected(ok.error());
      }
      deleted = static_cast<std::size_t>(db.changes());
    }
    if (auto ok = db.exec("COMMIT"); !ok) return unexpected(ok.error());
    return deleted;
  }
};

SqliteRecipientLinkStore::SqliteRecipientLinkStore(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
SqliteRecipientLinkStore::~SqliteRecipientLinkStore() = default;

Expected<std::unique_ptr<SqliteRecipientLinkStore>> SqliteRecipientLinkStore::open(
    const std::filesystem::path& main_db) {
  auto db = SqliteDb::open_beside(main_db, std::chrono::milliseconds{5000});
  if (!db) return unexpected(db.error());
  return open_on(std::make_unique<SqliteDb>(std::move(*db)));
}

std::unique_ptr<SqliteRecipientLinkStore> SqliteRecipientLinkStore::open_on(
    std::unique_ptr<store::SqlDb> db) {
  return std::unique_ptr<SqliteRecipientLinkStore>(
      new SqliteRecipientLinkStore(std::make_unique<Impl>(std::move(db))));
}

Expected<void> SqliteRecipientLinkStore::insert(const RecipientLink& l) {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->db.use(kInsert);
  if (!s) return unexpected(s.error());
  (*s)->bind_text(1, l.code);
  (*s)->bind_text(2, l.link_code);
  (*s)->bind(3, l.tenant);
  (*s)->bind_blob(4, l.blind);
  (*s)->bind_blob(5, l.sealed_recipient);
  (*s)->bind(6, l.created_ms);
  (*s)->bind(7, l.expires_ms);
  return (*s)->run();
}

Expected<std::optional<RecipientLink>> SqliteRecipientLinkStore::find(std::string_view code) {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->db.use(kFind);
  if (!s) return unexpected(s.error());
  (*s)->bind_text(1, code);
  auto row = (*s)->step();
  if (!row) return unexpected(row.error());
  if (!*row) return std::optional<RecipientLink>{};
  RecipientLink l;
  l.code = (*s)->text(0);
  l.link_code = (*s)->text(1);
  l.tenant = static_cast<std::uint64_t>((*s)->int64(2));
  l.blind = (*s)->blob(3);
  l.sealed_recipient = (*s)->blob(4);
  l.created_ms = (*s)->int64(5);
  l.expires_ms = (*s)->int64(6);
  (*s)->reset();
  return std::optional<RecipientLink>{std::move(l)};
}

Expected<void> SqliteRecipientLinkStore::record_click(const RecipientLink& l, std::int64_t at_ms) {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->db.use(kClick);
  if (!s) return unexpected(s.error());
  (*s)->bind_text(1, l.code);
  (*s)->bind_text(2, l.link_code);
  (*s)->bind(3, at_ms);
  return (*s)->run();
}

Expected<std::vector<RecipientClick>> SqliteRecipientLinkStore::clicks(std::uint64_t tenant,
                                                                       std::string_view link_code,
                                                                       std::uint64_t after,
                                                                       std::size_t limit) {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->db.use(kClicks);
  if (!s) return unexpected(s.error());
  (*s)->bind_text(1, link_code);
  (*s)->bind(2, tenant);
  (*s)->bind(3, static_cast<std::int64_t>(std::min<std::uint64_t>(after, INT64_MAX)));
  (*s)->bind(4, static_cast<std::int64_t>(limit));
  return read_clicks(**s);
}

Expected<std::vector<RecipientClick>> SqliteRecipientLinkStore::clicks_of(std::uint64_t tenant,
                                                                          std::string_view blind) {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->db.use(kClicksOf);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind_blob(2, blind);
  return read_clicks(**s);
}

Expected<std::size_t> SqliteRecipientLinkStore::erase(std::uint64_t tenant, std::string_view blind) {
  std::lock_guard lock(impl_->mutex);
  return impl_->delete_pair(kEraseClicks, kErase, [&](SqlStatement& s) {
    s.bind(1, tenant);
    s.bind_blob(2, blind);
  });
}

Expected<std::size_t> SqliteRecipientLinkStore::purge_expired(std::int64_t now_ms) {
  std::lock_guard lock(impl_->mutex);
  return impl_->delete_pair(kPurgeClicks, kPurge, [&](SqlStatement& s) { s.bind(1, now_ms); });
}

Expected<std::size_t> SqliteRecipientLinkStore::count(std::uint64_t tenant) {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->db.use(kCount);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  auto row = (*s)->step();
  if (!row) return unexpected(row.error());
  const auto n = *row ? static_cast<std::size_t>((*s)->int64(0)) : 0;
  (*s)->reset();
  return n;
}

}  // namespace diskret::links
