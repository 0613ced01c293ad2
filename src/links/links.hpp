#pragma once
/// Short links (issue 12): URLs in a tenant's marketing texts become
/// https://<configured domain>/l/<code> before segments are counted; GET /l/<code> redirects
/// only to the target stored for that code (no open redirect), answers 410 once the link
/// expired (default 30 days) and counts clicks per link and day; per recipient only for
/// tenants that switched tracking on with a consent purpose (recipient_links.hpp).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "links/recipient_links.hpp"
#include "store/sql_db.hpp"

namespace diskret::links {

/// A URL in a text: byte offset and length (trailing punctuation excluded).
struct UrlSpan {
  std::size_t offset = 0, length = 0;
};

/// http:// and https:// URLs (case-insensitive scheme) up to the next blank; trailing
/// . , ; : ! ? ) ] ' " are not part of them. Pure.
std::vector<UrlSpan> find_urls(std::string_view text);

struct Link {
  std::string code;
  std::uint64_t tenant = 0;
  std::string target;
  std::int64_t created_ms = 0, expires_ms = 0;
};

struct DailyClicks {
  std::string day;  ///< "YYYY-MM-DD" UTC
  std::uint64_t clicks = 0;
};

/// A link as its tenant lists it: `id` is the page cursor, clicks summed over all days.
struct LinkSummary {
  std::uint64_t id = 0;
  Link link;
  std::uint64_t total_clicks = 0;
};

/// Storage seam: SQLite beside the main store (tables of migration 0082).
class LinkStore {
 public:
  virtual ~LinkStore() = default;
  virtual Expected<void> insert(const Link& link) = 0;
  virtual Expected<std::optional<Link>> find(std::string_view code) = 0;
  /// The tenant's link to `target` that is still valid at `valid_at_ms`, if any.
  virtual Expected<std::optional<Link>> find_target(std::uint64_t tenant, std::string_view target,
                                                    std::int64_t valid_at_ms) = 0;
  virtual Expected<void> count_click(std::string_view code, std::string_view day) = 0;
  /// The tenant's own link only (another tenant's code: empty).
  virtual Expected<std::vector<DailyClicks>> clicks(std::uint64_t tenant, std::string_view code) = 0;
  /// The tenant's links in creation order after `cursor` (an id this returned; 0: from the
  /// first), at most `limit`.
  virtual Expected<std::vector<LinkSummary>> list(std::uint64_t tenant, std::uint64_t cursor,
                                                  std::size_t limit) = 0;
};

class SqliteLinkStore final : public LinkStore {
 public:
  static Expected<std::unique_ptr<SqliteLinkStore>> open(const std::filesystem::path& main_db);
  /// On a connection of its own to the main database (either backend: SqlHost::sql_connect()).
  static std::unique_ptr<SqliteLinkStore> open_on(std::unique_ptr<store::SqlDb> db);
  ~SqliteLinkStore() override;
  // LinkStore
  Expected<void> insert(const Link& link) override;
  Expected<std::optional<Link>> find(std::string_view code) override;
  Expected<std::optional<Link>> find_target(std::uint64_t tenant, std::string_view target,
                                            std::int64_t valid_at_ms) override;
  Expected<void> count_click(std::string_view code, std::string_view day) override;
  Expected<std::vector<DailyClicks>> clicks(std::uint64_t tenant, std::string_view code) override;
  Expected<std::vector<LinkSummary>> list(std::uint64_t tenant, std::uint64_t cursor,
                                          std::size_t limit) override;

 private:
  class Impl;
  explicit SqliteLinkStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct LinkOptions {
  std::string domain;                         ///< "sms.example.com"; empty: shortening off
  std::chrono::hours ttl{30 * 24};            ///< links answer 410 after this
};

enum class Persist : bool { no, yes };

struct Shortened {
  std::string text;
  std::vector<std::pair<std::string, std::string>> rewritten;  ///< (original, short) URLs
};

enum class Resolution : std::uint8_t { found, expired, not_found };

class LinkService {
 public:
  LinkService(LinkStore& store, const Clock& clock, LinkOptions options)
      : store_(store), clock_(clock), options_(std::move(options)) {}

  bool enabled() const { return !options_.domain.empty(); }
  /// Replaces every URL of `text` by a short link of `tenant`: the tenant's existing link to
  /// that target while it has at least a week left, else a new one (stored with
  /// Persist::yes; previews pass no and get the same length). One link per target keeps
  /// the click counts aggregate.
  Expected<Shortened> shorten(std::uint64_t tenant, std::string_view text, Persist persist);
  /// The target of `code` (found), or why not; a found link's click is counted, and a
  /// recipient's own code's click is recorded with its time too.
  Expected<std::pair<Resolution, std::string>> resolve(std::string_view code);
  LinkStore& store() { return store_; }

  /// Per-recipient tracking: with a store set, personalise() and the recording of clicks
  /// on recipients' codes work. Set before serving.
  void set_recipients(RecipientLinkStore* recipients) { recipients_ = recipients; }
  RecipientLinkStore* recipients() { return recipients_; }
  /// Replaces each of this service's short links in `text` (https://<domain>/l/<code>) by
  /// a code of the recipient's own, stored with the person's blind index and sealed
  /// number. Codes have one length, so the text's segments do not change.
  Expected<std::string> personalise(std::uint64_t tenant, std::string_view text,
                                    const std::string& blind,
                                    const std::string& sealed_recipient);

 private:
  LinkStore& store_;
  RecipientLinkStore* recipients_ = nullptr;
  std::atomic<std::int64_t> purged_at_ms_{0};  // recipients' codes of expired links: hourly
  const Clock& clock_;
  LinkOptions options_;
};

}  // namespace diskret::links
