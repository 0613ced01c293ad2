#pragma once
/// SqliteSmtpSenderStore: registered SMTP sender addresses in the main SQLite database
/// (migration 0045), on a connection of its own like SqliteSmppCredentialStore.
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>

#include "store/smtp_sender_store.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace diskret::store::sqlite {

class SqliteSmtpSenderStore final : public SmtpSenderStore {
  struct OpenToken {};

 public:
  static Expected<std::unique_ptr<SqliteSmtpSenderStore>> open(
      const std::filesystem::path& main_path,
      std::chrono::milliseconds busy_timeout = std::chrono::milliseconds{5'000});
  SqliteSmtpSenderStore(OpenToken, std::unique_ptr<SqlDb> db);
  /// On a connection of its own (SqlHost::sql_connect(): either backend).
  static std::unique_ptr<SqliteSmtpSenderStore> open_on(std::unique_ptr<SqlDb> db) {
    return std::make_unique<SqliteSmtpSenderStore>(OpenToken{}, std::move(db));
  }

  Expected<std::uint64_t> insert(const SmtpSenderRecord& record) override;
  Expected<std::vector<SmtpSenderRecord>> list(std::uint64_t tenant) override;
  Expected<std::optional<SmtpSenderRecord>> find(const std::string& address_index) override;
  Expected<bool> remove(std::uint64_t tenant, std::uint64_t id) override;

 private:
  std::mutex mutex_;  // one connection: calls from several threads take turns
  std::unique_ptr<SqlDb> db_;
};

}  // namespace diskret::store::sqlite
