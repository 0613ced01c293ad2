#pragma once
/// SqliteMessageNotes: message notes (SMPP receipt requests, bounce origins) written in the
/// SqliteStore's transactions, and the bounce outbox (migration 0111) read and emptied on
/// a connection of its own.
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>

#include "store/message_notes.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::store::sqlite {

class SqliteMessageNotes final : public MessageNotes, public BounceStore {
  struct OpenToken {};

 public:
  static Expected<std::unique_ptr<SqliteMessageNotes>> open(
      SqlHost& store, const std::filesystem::path& main_path,
      std::chrono::milliseconds busy_timeout = std::chrono::milliseconds{5'000});
  SqliteMessageNotes(OpenToken, SqlHost& store, std::unique_ptr<SqlDb> db);
  /// On a connection of its own (SqlHost::sql_connect(): either backend).
  static std::unique_ptr<SqliteMessageNotes> open_on(SqlHost& store, std::unique_ptr<SqlDb> db) {
    return std::make_unique<SqliteMessageNotes>(OpenToken{}, store, std::move(db));
  }

  // MessageNotes
  Expected<void> insert(WriteTransaction& tx, const MessageNote& note) override;
  Expected<std::vector<std::uint64_t>> waiting_bounces(
      WriteTransaction& tx, std::span<const std::uint64_t> message_ids) override;
  Expected<void> settle_bounce(WriteTransaction& tx, std::uint64_t message_id,
                               const std::optional<BounceDue>& due) override;
  Expected<std::vector<MessageNote>> take_receipt_requests(
      WriteTransaction& tx, std::span<const std::uint64_t> message_ids) override;
  Expected<void> add_deliver(WriteTransaction& tx, std::uint64_t tenant, std::int64_t keep_until,
                             std::string_view sealed_pdu) override;

  // BounceStore
  Expected<std::vector<std::uint64_t>> waiting(std::int64_t now_ms) override;
  Expected<std::vector<BounceRow>> claim_due(std::int64_t now_ms, std::int64_t lease_until_ms,
                                             std::size_t limit) override;
  Expected<std::size_t> count() override;
  Expected<void> remove(std::uint64_t message_id) override;
  Expected<void> retry(std::uint64_t message_id, std::uint32_t attempts,
                       std::int64_t next_ms) override;
  Expected<std::size_t> forget_expired(std::int64_t now_ms) override;
  Expected<std::optional<std::int64_t>> next_due() override;

 private:
  SqlHost& store_;
  std::mutex mutex_;  // one connection: calls from several threads take turns
  std::unique_ptr<SqlDb> db_;
};

}  // namespace diskret::store::sqlite
