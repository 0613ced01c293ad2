#pragma once
/// A tenant's content safeguards (issue 12) and where they are kept: smart encoding,
/// the DLP policy and patterns, short links; also the bounce switch of email to SMS. ContentSettingsStore is the storage seam
/// (SQLite beside the main store; in memory for tests and stores without a file).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "core/expected.hpp"
#include "dlp/screener.hpp"
#include "store/sql_db.hpp"

namespace diskret::content {

struct ContentSettings {
  bool smart_encoding = true;  ///< on by default
  dlp::Rules dlp;              ///< policy reject by default, no own patterns
  bool short_links = false;
  /// Email to SMS (issue 6): the mail's sender gets a bounce when an SMS fails (off by
  /// default; needs the operator's [smtp] relay_host).
  bool bounce_emails = false;
  /// Per-recipient click tracking of short links: only with a recorded consent purpose
  /// (otherwise clicks stay aggregate per link and day).
  bool click_tracking = false;
  std::string click_tracking_purpose;
  friend bool operator==(const ContentSettings& a, const ContentSettings& b) {
    return a.smart_encoding == b.smart_encoding && a.dlp.policy == b.dlp.policy &&
           a.dlp.patterns == b.dlp.patterns && a.short_links == b.short_links &&
           a.bounce_emails == b.bounce_emails && a.click_tracking == b.click_tracking &&
           a.click_tracking_purpose == b.click_tracking_purpose;
  }
};

class ContentSettingsStore {
 public:
  virtual ~ContentSettingsStore() = default;
  /// The tenant's settings; the defaults when it never changed them.
  virtual Expected<ContentSettings> get(std::uint64_t tenant) = 0;
  virtual Expected<void> put(std::uint64_t tenant, const ContentSettings& settings,
                             std::int64_t at_ms) = 0;
};

class MemoryContentSettingsStore final : public ContentSettingsStore {
 public:
  // ContentSettingsStore
  Expected<ContentSettings> get(std::uint64_t tenant) override;
  Expected<void> put(std::uint64_t tenant, const ContentSettings& settings, std::int64_t) override;

 private:
  std::mutex mutex_;
  std::map<std::uint64_t, ContentSettings> settings_;
};

/// The table tenant_content (migrations 0080, 0110, 0112) over a connection of its own.
class SqliteContentSettingsStore final : public ContentSettingsStore {
 public:
  static Expected<std::unique_ptr<SqliteContentSettingsStore>> open(
      const std::filesystem::path& main_path,
      std::chrono::milliseconds busy_timeout = std::chrono::milliseconds{5000});
  /// On a connection of its own to the main database (either backend: SqlHost::sql_connect()).
  static std::unique_ptr<SqliteContentSettingsStore> open_on(std::unique_ptr<store::SqlDb> db);
  ~SqliteContentSettingsStore() override;

  // ContentSettingsStore
  Expected<ContentSettings> get(std::uint64_t tenant) override;
  Expected<void> put(std::uint64_t tenant, const ContentSettings& settings,
                     std::int64_t at_ms) override;

 private:
  class Impl;
  explicit SqliteContentSettingsStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// "name\tregex" lines, as stored; parse_patterns is the inverse (bad lines are skipped).
std::string format_patterns(const std::vector<dlp::PatternSpec>& patterns);
std::vector<dlp::PatternSpec> parse_patterns(std::string_view stored);

}  // namespace diskret::content
