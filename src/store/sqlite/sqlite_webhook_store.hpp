#pragma once
/// SqliteWebhookStore: the WebhookStore in the SqliteStore's main database (tables of
/// migration 0021_webhooks). Writes run on the open transaction's connection, reads on the
/// store's reader pool.
#include "store/sqlite/sqlite_store.hpp"
#include "store/webhook_store.hpp"

namespace diskret::store::sqlite {

class SqliteWebhookStore final : public WebhookStore {
 public:
  explicit SqliteWebhookStore(SqlHost& store) : store_(store) {}

  // WebhookStore
  std::unique_ptr<WebhookWrites> writes(WriteTransaction& tx) override;
  Expected<std::optional<WebhookRecord>> webhook(std::uint64_t tenant) override;
  Expected<std::vector<std::uint64_t>> tenants_with_webhooks() override;
  Expected<std::vector<WebhookEventRecord>> due_events(
      std::int64_t now_ms, std::size_t limit, const std::vector<std::uint64_t>& skip) override;
  Expected<std::optional<std::int64_t>> next_due_ms() override;
  Expected<std::optional<WebhookEventRecord>> event(std::uint64_t tenant,
                                                    std::uint64_t id) override;
  Expected<std::vector<WebhookAttemptRecord>> attempts(const AttemptQuery& query) override;
  Expected<std::uint64_t> max_event_id() override;

 private:
  SqlHost& store_;
};

}  // namespace diskret::store::sqlite
