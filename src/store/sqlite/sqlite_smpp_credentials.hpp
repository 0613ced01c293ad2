#pragma once
/// SqliteSmppCredentialStore: SMPP credentials in the main SQLite database (table from
/// migration 0040). It keeps its own connection (WAL allows it beside SqliteStore's);
/// the schema must have been migrated by SqliteStore::migrate() first.
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>

#include "store/smpp_credential_store.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace diskret::store::sqlite {

class SqliteSmppCredentialStore final : public SmppCredentialStore {
  struct OpenToken {};

 public:
  static Expected<std::unique_ptr<SqliteSmppCredentialStore>> open(
      const std::filesystem::path& main_path,
      std::chrono::milliseconds busy_timeout = std::chrono::milliseconds{5'000});
  SqliteSmppCredentialStore(OpenToken, std::unique_ptr<SqlDb> db);
  /// On a connection of its own (SqlHost::sql_connect(): either backend).
  static std::unique_ptr<SqliteSmppCredentialStore> open_on(std::unique_ptr<SqlDb> db) {
    return std::make_unique<SqliteSmppCredentialStore>(OpenToken{}, std::move(db));
  }

  Expected<std::uint64_t> insert(const SmppCredentialRecord& record) override;
  Expected<std::vector<SmppCredentialRecord>> list(std::uint64_t tenant) override;
  Expected<std::optional<SmppCredentialRecord>> find(std::string_view system_id) override;
  Expected<bool> revoke(std::uint64_t tenant, std::string_view system_id,
                        std::int64_t now_ms) override;

 private:
  std::mutex mutex_;  // one connection: calls from several threads take turns
  std::unique_ptr<SqlDb> db_;
};

}  // namespace diskret::store::sqlite
