#include "links/links.hpp"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <algorithm>
#include <array>
#include <mutex>

#include "crypto/secret.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace diskret::links {
namespace {

using store::SqlDb;
using store::sqlite::SqliteDb;

constexpr std::size_t kCodeLength = 8;  // 62^8 ≈ 2.2e14: not guessable by walking codes

bool ieq_prefix(std::string_view text, std::size_t at, std::string_view prefix) {
  if (text.size() - at < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[at + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

bool blank(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::string new_code() {
  static constexpr std::string_view kAlphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::array<std::uint8_t, kCodeLength> bytes{};
  std::string code;
  for (;;) {  // rejection sampling: no modulo bias
    crypto::random_bytes(bytes);
    for (auto b : bytes) {
      if (b < 248 && code.size() < kCodeLength) code += kAlphabet[b % 62];
    }
    if (code.size() == kCodeLength) return code;
  }
}

std::string utc_day(std::int64_t ms) {
  return absl::FormatCivilTime(absl::ToCivilDay(absl::FromUnixMillis(ms), absl::UTCTimeZone()));
}

constexpr std::string_view kInsert =
    "INSERT INTO short_links(code, tenant_id, target, created_at, expires_at) VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kFind =
    "SELECT code, tenant_id, target, created_at, expires_at FROM short_links WHERE code = ?";
constexpr std::string_view kFindTarget =
    "SELECT code, tenant_id, target, created_at, expires_at FROM short_links "
    "WHERE tenant_id = ? AND target = ? AND expires_at > ? ORDER BY expires_at DESC LIMIT 1";
constexpr std::string_view kClick =
    "INSERT INTO short_link_clicks(code, day, clicks) VALUES (?, ?, 1) "
    "ON CONFLICT(code, day) DO UPDATE SET clicks = short_link_clicks.clicks + 1";
constexpr std::string_view kClicks =
    "SELECT c.day, c.clicks FROM short_link_clicks c JOIN short_links l ON l.code = c.code "
    "WHERE l.tenant_id = ? AND c.code = ? ORDER BY c.day";
constexpr std::string_view kList =
    "SELECT l.rowid, l.code, l.target, l.created_at, l.expires_at, "
    "(SELECT COALESCE(SUM(c.clicks), 0) FROM short_link_clicks c WHERE c.code = l.code) "
    "FROM short_links l INDEXED BY short_links_by_tenant WHERE l.tenant_id = ? AND l.rowid > ? "
    "ORDER BY l.rowid LIMIT ?";
// PostgreSQL: no rowid; short_links.id (its migration 0082) pages the same way.
constexpr std::string_view kListPg =
    "SELECT l.id, l.code, l.target, l.created_at, l.expires_at, "
    "(SELECT COALESCE(SUM(c.clicks), 0) FROM short_link_clicks c WHERE c.code = l.code) "
    "FROM short_links l WHERE l.tenant_id = ? AND l.id > ? ORDER BY l.id LIMIT ?";

}  // namespace

std::vector<UrlSpan> find_urls(std::string_view text) {
  std::vector<UrlSpan> out;
  for (std::size_t i = 0; i < text.size();) {
    const bool starts = (i == 0 || blank(text[i - 1]) || text[i - 1] == '(' || text[i - 1] == '"');
    std::size_t scheme = 0;
    if (starts && ieq_prefix(text, i, "https://")) scheme = 8;
    if (starts && !scheme && ieq_prefix(text, i, "http://")) scheme = 7;
    if (!scheme) {
      ++i;
      continue;
    }
    std::size_t end = i + scheme;
    while (end < text.size() && !blank(text[end])) ++end;
    while (end > i + scheme && std::string_view(".,;:!?)]'\"").find(text[end - 1]) != std::string_view::npos) {
      --end;
    }
    if (end > i + scheme) out.push_back({i, end - i});
    i = std::max(end, i + 1);
  }
  return out;
}

class SqliteLinkStore::Impl {
 public:
  explicit Impl(std::unique_ptr<SqlDb> connection) : owned(std::move(connection)), db(*owned) {}
  std::mutex mutex;
  std::unique_ptr<SqlDb> owned;
  SqlDb& db;
};

SqliteLinkStore::SqliteLinkStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteLinkStore::~SqliteLinkStore() = default;

Expected<std::unique_ptr<SqliteLinkStore>> SqliteLinkStore::open(const std::filesystem::path& main_db) {
  auto db = SqliteDb::open_beside(main_db, std::chrono::milliseconds{5000});
  if (!db) return unexpected(db.error());
  return open_on(std::make_unique<SqliteDb>(std::move(*db)));
}

std::unique_ptr<SqliteLinkStore> SqliteLinkStore::open_on(std::unique_ptr<store::SqlDb> db) {
  return std::unique_ptr<SqliteLinkStore>(new SqliteLinkStore(std::make_unique<Impl>(std::move(db))));
}

Expected<void> SqliteLinkStore::insert(const Link& link) {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->db.use(kInsert);
  if (!s) return unexpected(s.error());
  (*s)->bind_text(1, link.code);
  (*s)->bind(2, link.tenant);
  (*s)->bind_text(3, link.target);
  (*s)->bind(4, link.created_ms);
  (*s)->bind(5, link.expires_ms);
  return (*s)->run();
}

Expected<std::optional<Link>> SqliteLinkStore::find(std::string_view code) {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->db.use(kFind);
  if (!s) return unexpected(s.error());
  (*s)->bind_text(1, code);
  auto row = (*s)->step();
  if (!row) return unexpected(row.error());
  if (!*row) return std::optional<Link>{};
  Link l;
  l.code = (*s)->text(0);
  l.tenant = static_cast<std::uint64_t>((*s)->int64(1));
  l.target = (*s)->text(2);
  l.created_ms = (*s)->int64(3);
  l.expires_ms = (*s)->int64(4);
  return std::optional<Link>{std::move(l)};
}

Expected<std::optional<Link>> SqliteLinkStore::find_target(std::uint64_t tenant,
                                                           std::string_view target,
                                                           std::int64_t valid_at_ms) {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->db.use(kFindTarget);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind_text(2, target);
  (*s)->bind(3, valid_at_ms);
  auto row = (*s)->step();
  if (!row) return unexpected(row.error());
  if (!*row) return std::optional<Link>{};
  Link l;
  l.code = (*s)->text(0);
  l.tenant = static_cast<std::uint64_t>((*s)->int64(1));
  l.target = (*s)->text(2);
  l.created_ms = (*s)->int64(3);
  l.expires_ms = (*s)->int64(4);
  return std::optional<Link>{std::move(l)};
}

Expected<void> SqliteLinkStore::count_click(std::string_view code, std::string_view day) {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->db.use(kClick);
  if (!s) return unexpected(s.error());
  (*s)->bind_text(1, code);
  (*s)->bind_text(2, day);
  return (*s)->run();
}

Expected<std::vector<DailyClicks>> SqliteLinkStore::clicks(std::uint64_t tenant, std::string_view code) {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->db.use(kClicks);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind_text(2, code);
  std::vector<DailyClicks> out;
  for (;;) {
    auto row = (*s)->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    out.push_back({(*s)->text(0), static_cast<std::uint64_t>((*s)->int64(1))});
  }
  return out;
}

Expected<std::vector<LinkSummary>> SqliteLinkStore::list(std::uint64_t tenant, std::uint64_t cursor,
                                                          std::size_t limit) {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->db.use(impl_->db.dialect() == store::SqlDialect::sqlite ? kList : kListPg);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind(2, static_cast<std::int64_t>(std::min<std::uint64_t>(cursor, INT64_MAX)));
  (*s)->bind(3, static_cast<std::int64_t>(limit));
  std::vector<LinkSummary> out;
  for (;;) {
    auto row = (*s)->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    LinkSummary l;
    l.id = static_cast<std::uint64_t>((*s)->int64(0));
    l.link.code = (*s)->text(1);
    l.link.tenant = tenant;
    l.link.target = (*s)->text(2);
    l.link.created_ms = (*s)->int64(3);
    l.link.expires_ms = (*s)->int64(4);
    l.total_clicks = static_cast<std::uint64_t>((*s)->int64(5));
    out.push_back(std::move(l));
  }
  return out;
}

Expected<Shortened> LinkService::shorten(std::uint64_t tenant, std::string_view text,
                                         Persist persist) {
  Shortened out;
  const auto urls = find_urls(text);
  if (urls.empty() || !enabled()) {
    out.text = std::string(text);
    return out;
  }
  const auto now = clock_.now_ms();
  const auto ttl_ms = std::chrono::duration_cast<std::chrono::milliseconds>(options_.ttl).count();
  std::size_t at = 0;
  for (const auto& u : urls) {
    out.text.append(text.substr(at, u.offset - at));
    const std::string target(text.substr(u.offset, u.length));
    std::string code(kCodeLength, 'x');
    if (persist == Persist::yes) {
      // Reused while it has a week left, so a message sent today still works for a week.
      const auto week = std::int64_t{7} * 24 * 3600 * 1000;
      auto existing = store_.find_target(tenant, target, now + std::min(week, ttl_ms / 2));
      if (!existing) return unexpected(existing.error());
      if (*existing) {
        code = (*existing)->code;
      } else {
        code = new_code();
        if (auto ok = store_.insert({code, tenant, target, now, now + ttl_ms}); !ok) {
          return unexpected(ok.error());
        }
      }
    }
    std::string short_url = "https://" + options_.domain + "/l/" + code;
    out.text += short_url;
    out.rewritten.emplace_back(target, std::move(short_url));
    at = u.offset + u.length;
  }
  out.text.append(text.substr(at));
  return out;
}

Expected<std::pair<Resolution, std::string>> LinkService::resolve(std::string_view code) {
  if (code.size() != kCodeLength) return std::pair{Resolution::not_found, std::string{}};
  auto link = store_.find(code);
  if (!link) return unexpected(link.error());
  std::optional<RecipientLink> recipient;
  if (!*link && recipients_) {
    auto r = recipients_->find(code);
    if (!r) return unexpected(r.error());
    if (*r) {
      recipient = std::move(**r);
      link = store_.find(recipient->link_code);
      if (!link) return unexpected(link.error());
    }
  }
  if (!*link) return std::pair{Resolution::not_found, std::string{}};
  const auto now = clock_.now_ms();
  if (now >= (*link)->expires_ms) return std::pair{Resolution::expired, std::string{}};
  // A lost count must not cost the redirect.
  (void)store_.count_click((*link)->code, utc_day(now));
  if (recipient) (void)recipients_->record_click(*recipient, now);
  return std::pair{Resolution::found, std::move((*link)->target)};
}

Expected<std::string> LinkService::personalise(std::uint64_t tenant, std::string_view text,
                                               const std::string& blind,
                                               const std::string& sealed_recipient) {
  if (!recipients_ || !enabled()) return std::string(text);
  const auto now = clock_.now_ms();
  if (auto last = purged_at_ms_.load(); now - last > 3'600'000 &&
                                         purged_at_ms_.compare_exchange_strong(last, now)) {
    // Retention: a person's code and clicks go with the link's expiry.
    (void)recipients_->purge_expired(now);
  }
  const std::string prefix = "https://" + options_.domain + "/l/";
  std::string out;
  std::size_t at = 0;
  for (;;) {
    const auto found = text.find(prefix, at);
    if (found == std::string_view::npos || found + prefix.size() + kCodeLength > text.size()) break;
    const std::size_t code_at = found + prefix.size();
    const std::string link_code(text.substr(code_at, kCodeLength));
    auto link = store_.find(link_code);
    if (!link) return unexpected(link.error());
    out.append(text.substr(at, code_at - at));
    if (*link && (*link)->tenant == tenant) {
      RecipientLink r{new_code(), link_code, tenant, blind, sealed_recipient,
                      clock_.now_ms(), (*link)->expires_ms};
      if (auto ok = recipients_->insert(r); !ok) return unexpected(ok.error());
      out += r.code;
    } else {
      out += link_code;  // not one of the tenant's links: left as it is
    }
    at = code_at + kCodeLength;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace diskret::links
