#include "content/content_settings.hpp"

#include "store/sqlite/sqlite_db.hpp"

namespace diskret::content {
namespace {

using store::SqlDb;
using store::sqlite::SqliteDb;

constexpr std::string_view kGet =
    "SELECT smart_encoding, dlp_policy, dlp_patterns, short_links, bounce_emails, "
    "click_tracking, click_tracking_purpose FROM tenant_content "
    "WHERE tenant_id = ?";
constexpr std::string_view kPut =
    "INSERT INTO tenant_content(tenant_id, smart_encoding, dlp_policy, dlp_patterns, "
    "short_links, bounce_emails, click_tracking, click_tracking_purpose, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(tenant_id) DO UPDATE SET "
    "smart_encoding = excluded.smart_encoding, dlp_policy = excluded.dlp_policy, "
    "dlp_patterns = excluded.dlp_patterns, short_links = excluded.short_links, "
    "bounce_emails = excluded.bounce_emails, click_tracking = excluded.click_tracking, "
    "click_tracking_purpose = excluded.click_tracking_purpose, updated_at = excluded.updated_at";

}  // namespace

std::string format_patterns(const std::vector<dlp::PatternSpec>& patterns) {
  std::string out;
  for (const auto& p : patterns) out += p.name + "\t" + p.regex + "\n";
  return out;
}

std::vector<dlp::PatternSpec> parse_patterns(std::string_view stored) {
  std::vector<dlp::PatternSpec> out;
  while (!stored.empty()) {
    const auto nl = stored.find('\n');
    const auto line = stored.substr(0, nl);
    stored = nl == std::string_view::npos ? std::string_view{} : stored.substr(nl + 1);
    const auto tab = line.find('\t');
    if (tab == std::string_view::npos) continue;
    out.push_back({std::string(line.substr(0, tab)), std::string(line.substr(tab + 1))});
  }
  return out;
}

Expected<ContentSettings> MemoryContentSettingsStore::get(std::uint64_t tenant) {
  std::lock_guard lock(mutex_);
  auto it = settings_.find(tenant);
  return it == settings_.end() ? ContentSettings{} : it->second;
}

Expected<void> MemoryContentSettingsStore::put(std::uint64_t tenant,
                                               const ContentSettings& settings, std::int64_t) {
  std::lock_guard lock(mutex_);
  settings_[tenant] = settings;
  return {};
}

class SqliteContentSettingsStore::Impl {
 public:
  explicit Impl(std::unique_ptr<SqlDb> connection) : owned(std::move(connection)), db(*owned) {}
  std::mutex mutex;
  std::unique_ptr<SqlDb> owned;
  SqlDb& db;
};

SqliteContentSettingsStore::SqliteContentSettingsStore(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
SqliteContentSettingsStore::~SqliteContentSettingsStore() = default;

Expected<std::unique_ptr<SqliteContentSettingsStore>> SqliteContentSettingsStore::open(
    const std::filesystem::path& main_path, std::chrono::milliseconds busy_timeout) {
  auto db = SqliteDb::open_beside(main_path, busy_timeout);
  if (!db) return unexpected(db.error());
  return open_on(std::make_unique<SqliteDb>(std::move(*db)));
}

std::unique_ptr<SqliteContentSettingsStore> SqliteContentSettingsStore::open_on(
    std::unique_ptr<store::SqlDb> db) {
  return std::unique_ptr<SqliteContentSettingsStore>(
      new SqliteContentSettingsStore(std::make_unique<Impl>(std::move(db))));
}

Expected<ContentSettings> SqliteContentSettingsStore::get(std::uint64_t tenant) {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->db.use(kGet);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  auto row = (*s)->step();
  if (!row) return unexpected(row.error());
  ContentSettings out;
  if (!*row) return out;
  out.smart_encoding = (*s)->int64(0) != 0;
  auto policy = dlp::parse_policy((*s)->text(1));
  out.dlp.policy = policy ? *policy : dlp::Policy::reject;
  out.dlp.patterns = parse_patterns((*s)->text(2));
  out.short_links = (*s)->int64(3) != 0;
  out.bounce_emails = (*s)->int64(4) != 0;
  out.click_tracking = (*s)->int64(5) != 0;
  out.click_tracking_purpose = (*s)->text(6);
  return out;
}

Expected<void> SqliteContentSettingsStore::put(std::uint64_t tenant,
                                               const ContentSettings& settings,
                                               std::int64_t at_ms) {
  // bind_text does not copy: the text must live until run().
  const std::string patterns = format_patterns(settings.dlp.patterns);
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->db.use(kPut);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind(2, settings.smart_encoding ? 1 : 0);
  (*s)->bind_text(3, dlp::policy_name(settings.dlp.policy));
  (*s)->bind_text(4, patterns);
  (*s)->bind(5, settings.short_links ? 1 : 0);
  (*s)->bind(6, settings.bounce_emails ? 1 : 0);
  (*s)->bind(7, settings.click_tracking ? 1 : 0);
  (*s)->bind_text(8, settings.click_tracking_purpose);
  (*s)->bind(9, at_ms);
  return (*s)->run();
}

}  // namespace diskret::content
