#pragma once
/// Per-recipient click tracking (issue 12), only for tenants that switched it on with a
/// recorded consent purpose: each recipient of a marketing message gets a short link code
/// of its own, and a click on it is recorded with its time. The person is named by the
/// tenant's blind index of the number (erasure and export find the rows by it) and the
/// number itself is sealed by the caller with the tenant's data key.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "store/sql_db.hpp"

namespace diskret::links {

struct RecipientLink {
  std::string code;       ///< the recipient's own code
  std::string link_code;  ///< the tenant's link (target, expiry, daily counts)
  std::uint64_t tenant = 0;
  std::string blind;             ///< blind index of the recipient's number
  std::string sealed_recipient;  ///< E.164, sealed with the tenant's data key
  std::int64_t created_ms = 0, expires_ms = 0;
};

/// One recorded click of one recipient.
struct RecipientClick {
  std::uint64_t id = 0;  ///< page cursor
  std::string code;
  std::string link_code;
  std::string sealed_recipient;
  std::int64_t clicked_ms = 0;
};

class RecipientLinkStore {
 public:
  virtual ~RecipientLinkStore() = default;
  virtual Expected<void> insert(const RecipientLink& link) = 0;
  virtual Expected<std::optional<RecipientLink>> find(std::string_view code) = 0;
  virtual Expected<void> record_click(const RecipientLink& link, std::int64_t at_ms) = 0;
  /// Clicks on the tenant's link `link_code` with id > `after`, oldest first.
  virtual Expected<std::vector<RecipientClick>> clicks(std::uint64_t tenant,
                                                       std::string_view link_code,
                                                       std::uint64_t after, std::size_t limit) = 0;
  /// Every click of one person (export).
  virtual Expected<std::vector<RecipientClick>> clicks_of(std::uint64_t tenant,
                                                          std::string_view blind) = 0;
  /// Deletes the person's codes and clicks (erasure); how many codes.
  virtual Expected<std::size_t> erase(std::uint64_t tenant, std::string_view blind) = 0;
  /// Deletes codes (and their clicks) whose link expired before `now_ms` (retention).
  virtual Expected<std::size_t> purge_expired(std::int64_t now_ms) = 0;
  /// Codes stored for the tenant (tests, records of processing).
  virtual Expected<std::size_t> count(std::uint64_t tenant) = 0;
};

/// Tables of migration 0112 over a connection of its own.
class SqliteRecipientLinkStore final : public RecipientLinkStore {
 public:
  static Expected<std::unique_ptr<SqliteRecipientLinkStore>> open(
      const std::filesystem::path& main_db);
  /// On a connection of its own to the main database (either backend: SqlHost::sql_connect()).
  static std::unique_ptr<SqliteRecipientLinkStore> open_on(std::unique_ptr<store::SqlDb> db);
  ~SqliteRecipientLinkStore() override;
  // RecipientLinkStore
  Expected<void> insert(const RecipientLink& link) override;
  Expected<std::optional<RecipientLink>> find(std::string_view code) override;
  Expected<void> record_click(const RecipientLink& link, std::int64_t at_ms) override;
  Expected<std::vector<RecipientClick>> clicks(std::uint64_t tenant, std::string_view link_code,
                                               std::uint64_t after, std::size_t limit) override;
  Expected<std::vector<RecipientClick>> clicks_of(std::uint64_t tenant,
                                                  std::string_view blind) override;
  Expected<std::size_t> erase(std::uint64_t tenant, std::string_view blind) override;
  Expected<std::size_t> purge_expired(std::int64_t now_ms) override;
  Expected<std::size_t> count(std::uint64_t tenant) override;

 private:
  class Impl;
  explicit SqliteRecipientLinkStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace diskret::links
