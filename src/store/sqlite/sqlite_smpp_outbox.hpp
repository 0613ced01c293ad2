#pragma once
/// SqliteSmppOutbox: the SMPP server's durable deliver_sm queue and its receipt requests
/// in the main database (tables from migrations 0070, 0071 and 0170), on a connection of
/// its own (SQLite's WAL allows it beside SqliteStore's; the SQL serves PostgreSQL too);
/// the schema must have been migrated by the store first.
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>

#include "store/smpp_outbox_store.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace diskret::store::sqlite {

class SqliteSmppOutbox final : public SmppOutboxStore {
  struct OpenToken {};

 public:
  static Expected<std::unique_ptr<SqliteSmppOutbox>> open(
      const std::filesystem::path& main_path,
      std::chrono::milliseconds busy_timeout = std::chrono::milliseconds{5'000});
  SqliteSmppOutbox(OpenToken, std::unique_ptr<SqlDb> db);
  /// On a connection of its own (SqlHost::sql_connect(): either backend).
  static std::unique_ptr<SqliteSmppOutbox> open_on(std::unique_ptr<SqlDb> db) {
    return std::make_unique<SqliteSmppOutbox>(OpenToken{}, std::move(db));
  }

  // SmppOutboxStore
  Expected<std::uint64_t> add(std::uint64_t tenant, std::int64_t keep_until,
                              std::string_view sealed_pdu) override;
  Expected<std::vector<SmppOutboxRow>> claim(std::uint64_t tenant, std::int64_t now_ms,
                                             std::int64_t lease_until_ms,
                                             std::size_t limit) override;
  Expected<void> remove(std::span<const std::uint64_t> ids) override;
  Expected<void> release(std::span<const std::uint64_t> ids) override;
  Expected<std::size_t> count(std::uint64_t tenant) override;
  Expected<std::vector<SmppReceiptRequestRow>> requests() override;
  Expected<std::size_t> forget_requests(std::int64_t now_ms) override;

 private:
  std::mutex mutex_;  // one connection: calls from several threads take turns
  std::unique_ptr<SqlDb> db_;
};

}  // namespace diskret::store::sqlite
