#pragma once
/// SqliteCampaignStore: campaigns and recipients in the main SQLite database (migration
/// 0060), on a connection of its own like SqliteSmtpSenderStore; reads list_members and
/// messages of the same database.
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>

#include "store/campaign_store.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace diskret::store::sqlite {

class SqliteCampaignStore final : public CampaignStore {
  struct OpenToken {};

 public:
  static Expected<std::unique_ptr<SqliteCampaignStore>> open(
      const std::filesystem::path& main_path,
      std::chrono::milliseconds busy_timeout = std::chrono::milliseconds{5'000});
  SqliteCampaignStore(OpenToken, std::unique_ptr<SqlDb> db);
  /// On a connection of its own (SqlHost::sql_connect(): either backend).
  static std::unique_ptr<SqliteCampaignStore> open_on(std::unique_ptr<SqlDb> db) {
    return std::make_unique<SqliteCampaignStore>(OpenToken{}, std::move(db));
  }

  // CampaignStore
  Expected<std::uint64_t> insert(const CampaignRecord& record) override;
  Expected<std::optional<CampaignRecord>> get(std::uint64_t tenant, std::uint64_t id) override;
  Expected<std::vector<CampaignRecord>> list(std::uint64_t tenant, std::uint64_t before,
                                             std::size_t limit) override;
  Expected<bool> transition(std::uint64_t tenant, std::uint64_t id, const std::string& from,
                            const std::string& to, std::int64_t now_ms, bool materialise) override;
  Expected<std::vector<CampaignRecord>> active() override;
  Expected<std::vector<std::uint64_t>> pending(std::uint64_t campaign, std::size_t limit,
                                               std::int64_t now_ms) override;
  Expected<void> hold(std::uint64_t campaign,
                      const std::vector<std::pair<std::uint64_t, std::int64_t>>& until) override;
  Expected<std::optional<std::int64_t>> next_pending_at(std::uint64_t campaign) override;
  Expected<void> mark(std::uint64_t campaign,
                      const std::vector<RecipientOutcome>& outcomes) override;
  Expected<CampaignCounts> counts(std::uint64_t campaign) override;
  Expected<std::vector<std::uint64_t>> audience(std::uint64_t tenant, std::uint64_t campaign,
                                                std::uint64_t after, std::size_t limit) override;
  Expected<std::vector<RecipientReportRow>> report(std::uint64_t campaign) override;
  Expected<std::vector<std::uint64_t>> message_ids(std::uint64_t tenant,
                                                   std::uint64_t campaign) override;

 private:
  Expected<std::vector<CampaignRecord>> rows(SqlLease& s);
  Expected<bool> transition_locked(std::uint64_t tenant, std::uint64_t id, const std::string& from,
                                   const std::string& to, std::int64_t now_ms, bool materialise);

  std::mutex mutex_;  // one connection: calls from several threads take turns
  std::unique_ptr<SqlDb> db_;
  bool runner_lock_ = false;  // PostgreSQL: this node runs the campaigns
  std::uint64_t runner_session_ = 0;  // the connection's session() that holds the lock
};

}  // namespace diskret::store::sqlite
