#pragma once
/// SqliteKeyVault: the KeyVault on keys.db through a connection of its own (calls are
/// serialised by a mutex). Deletes run with secure_delete on, and a destruction ends with a
/// checkpoint that truncates the log, so that destroyed keys leave no copy in the files.
#include <filesystem>
#include <memory>
#include <mutex>

#include "store/key_vault.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace diskret::store::sqlite {

class SqliteKeyVault final : public KeyVault {
  struct OpenToken {};

 public:
  /// Opens keys.db (migrated by the Store: tables of keys/0030_privacy.sql).
  static Expected<std::unique_ptr<SqliteKeyVault>> open(const std::filesystem::path& keys_path,
                                                        bool fsync = true);
  SqliteKeyVault(OpenToken, std::unique_ptr<SqlDb> db) : db_(std::move(db)) {}
  /// On a connection of its own (SqlHost::sql_connect(): either backend).
  static std::unique_ptr<SqliteKeyVault> open_on(std::unique_ptr<SqlDb> db) {
    return std::make_unique<SqliteKeyVault>(OpenToken{}, std::move(db));
  }

  // KeyVault
  Expected<std::optional<ServiceKeyRecord>> service_key(std::string_view name) override;
  Expected<std::vector<ServiceKeyRecord>> service_key_versions(std::string_view name) override;
  Expected<ServiceKeyRecord> insert_service_key(const ServiceKeyRecord& key) override;
  Expected<DestroyedKeys> destroy_subject(std::uint64_t tenant, const Blind& blind,
                                          std::int64_t at_ms) override;
  Expected<std::optional<ErasedSubjectRecord>> erased_subject(std::uint64_t tenant,
                                                              const Blind& blind) override;
  Expected<std::vector<ErasedSubjectRecord>> erased_subjects(std::uint64_t after_id,
                                                             std::size_t limit) override;
  Expected<DestroyedKeys> destroy_tenant(std::uint64_t tenant, std::int64_t at_ms) override;
  Expected<std::vector<OffboardedTenantRecord>> offboarded_tenants() override;
  Expected<std::uint64_t> max_tenant_id() override;
  Expected<void> advance_anchor(const AuditAnchorRecord& anchor) override;
  Expected<void> replace_anchor(const AuditAnchorRecord& anchor) override;
  Expected<void> remove_anchor(std::uint64_t tenant) override;
  Expected<std::vector<AuditAnchorRecord>> anchors() override;
  Expected<std::optional<std::string>> current_master_key_id() override;
  Expected<void> record_master_key(const std::string& key_id, std::int64_t at_ms) override;
  Expected<RotationResult> rewrap_all(const std::string& new_id, const Rewrap& rewrap,
                                      std::int64_t at_ms) override;

 private:
  /// BEGIN IMMEDIATE ... COMMIT around `work`; rolls back when it fails.
  template <class F>
  auto in_transaction(F&& work) -> decltype(work());
  Expected<void> fill_subject_ids(ErasedSubjectRecord& record);
  /// Checkpoints and truncates keys.db-wal; false when a reader kept it from finishing.
  bool truncate_log();

  std::mutex mutex_;
  std::unique_ptr<SqlDb> db_;
};

}  // namespace diskret::store::sqlite
