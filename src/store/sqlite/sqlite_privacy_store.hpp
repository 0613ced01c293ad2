#pragma once
/// SqlitePrivacyStore: the PrivacyStore in the SqliteStore's main database (messages,
/// inbound_messages, keyword_replies, idempotency and the tables of migration 0030).
/// Writes run on the open transaction's connection, reads on the store's reader pool.
#include "store/privacy_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::store::sqlite {

class SqlitePrivacyStore final : public PrivacyStore {
 public:
  explicit SqlitePrivacyStore(SqlHost& store) : store_(store) {}

  // PrivacyStore
  Expected<std::vector<PrivacyRow>> rows_of_subjects(RowTable table, std::uint64_t tenant,
                                                     std::span<const std::uint64_t> subject_ids) override;
  Expected<std::vector<PrivacyRow>> rows_between(RowTable table, std::uint64_t tenant,
                                                 std::uint64_t from_id, std::uint64_t below_id,
                                                 std::size_t limit) override;
  Expected<std::optional<PrivacyRow>> row(RowTable table, std::uint64_t tenant, std::uint64_t id) override;
  Expected<std::vector<std::pair<std::string, std::uint64_t>>> category_counts(std::uint64_t tenant) override;
  Expected<std::vector<std::uint64_t>> tenants() override;
  Expected<std::optional<std::string>> retention_settings(std::uint64_t tenant) override;
  Expected<std::int64_t> state(const std::string& name) override;
  Expected<std::uint64_t> cursor(std::uint64_t tenant, const std::string& stage) override;
  Expected<std::vector<std::uint64_t>> pending(std::uint64_t tenant, const std::string& stage) override;
  Expected<void> rewrite(WriteTransaction& tx, RowTable table, std::uint64_t id,
                         const std::string& payload, std::optional<std::uint64_t> subject_id,
                         std::uint8_t scrubbed) override;
  Expected<std::uint64_t> fail_waiting(WriteTransaction& tx, std::uint64_t tenant,
                                       std::span<const std::uint64_t> subject_ids,
                                       const std::string& code, std::int64_t at_ms) override;
  Expected<std::uint64_t> delete_inbound(WriteTransaction& tx, std::uint64_t tenant,
                                         std::span<const std::uint64_t> ids) override;
  Expected<std::uint64_t> delete_held_messages(WriteTransaction& tx, std::uint64_t tenant,
                                               const Blind& blind) override;
  Expected<std::uint64_t> delete_keyword_replies(WriteTransaction& tx, std::uint64_t tenant,
                                                 std::span<const std::uint64_t> subject_ids) override;
  Expected<std::vector<IdempotencyRow>> idempotency_rows(WriteTransaction& tx, std::uint64_t tenant) override;
  Expected<void> delete_idempotency(WriteTransaction& tx, std::uint64_t tenant, const std::string& key) override;
  Expected<void> put_retention_settings(WriteTransaction& tx, std::uint64_t tenant,
                                        const std::string& json, std::int64_t at_ms) override;
  Expected<void> set_state(WriteTransaction& tx, const std::string& name, std::int64_t value) override;
  Expected<void> set_cursor(WriteTransaction& tx, std::uint64_t tenant, const std::string& stage,
                            std::uint64_t next_id) override;
  Expected<void> add_pending(WriteTransaction& tx, std::uint64_t tenant, const std::string& stage,
                             std::uint64_t id) override;
  Expected<void> remove_pending(WriteTransaction& tx, std::uint64_t tenant, const std::string& stage,
                                std::uint64_t id) override;
  Expected<void> remove_tenant_data(WriteTransaction& tx, std::uint64_t tenant, std::int64_t at_ms) override;
  Expected<void> reserve_tenant_ids(WriteTransaction& tx, std::uint64_t id) override;

 private:
  SqlHost& store_;
};

}  // namespace diskret::store::sqlite
