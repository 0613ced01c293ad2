#pragma once
/// Store: durable storage behind diskret. Two databases: the main one (tenants, API keys,
/// messages, idempotency, carrier ids) and a key store (wrapped tenant and subject keys),
/// kept apart so that destroying a key makes old backups of the data unreadable too.
/// Every write goes through a WriteTransaction; reads are safe from any thread.
/// Errors: Errc::unavailable when the database cannot write now (full, busy, I/O; retry
/// later), Errc::already_exists for a uniqueness conflict, others for bugs or corruption.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "store/records.hpp"

namespace diskret::store {

class MessageClaims;

/// What a WriteTransaction::commit_unsynced() left for Store::sync() to make durable.
struct Unsynced {
  bool keys = false;  ///< the key store was written too
};

/// One atomic unit of writes. Destroying it without commit() rolls everything back.
/// Only one transaction is open at a time per Store (begin() waits for the previous one).
class WriteTransaction {
 public:
  virtual ~WriteTransaction() = default;

  /// Makes the work durable: the key store first, then the main database. A crash between
  /// the two leaves unused keys behind, which is harmless; never data without its key.
  /// The same as commit_unsynced() followed by Store::sync().
  virtual Expected<void> commit() = 0;

  /// Commits without waiting for the disk: the work is visible to readers and survives a
  /// crash of the process, and survives a power loss once Store::sync() of the answer has
  /// returned. Answer nobody (no 202, no submit_sm_resp) before that. Lets a writer build
  /// its next group commit while the disk syncs the last one.
  virtual Expected<Unsynced> commit_unsynced() = 0;

  /// Nested unit for one request inside a group commit (main database only; key store rows
  /// written inside stay, unused keys are harmless). Not nestable.
  virtual Expected<void> savepoint() = 0;
  virtual Expected<void> release_savepoint() = 0;
  virtual Expected<void> rollback_to_savepoint() = 0;

  // Key store.
  virtual Expected<void> insert_tenant_key(const TenantKeyRecord& key) = 0;
  virtual Expected<std::optional<SubjectRecord>> find_subject(std::uint64_t tenant,
                                                              const Blind& blind) = 0;
  virtual Expected<void> insert_subject(const SubjectRecord& subject) = 0;
  /// Every person in the key store as (tenant, blind index), in no particular order.
  virtual Expected<void> for_each_subject(
      const std::function<void(std::uint64_t tenant, const Blind& blind)>& visit) = 0;

  // Tenants and API keys.
  virtual Expected<std::uint64_t> insert_tenant(const TenantRecord& tenant) = 0;
  /// Display name, region, allowed countries, segment limit and sender ids of `tenant.id`;
  /// false when there is no such tenant.
  virtual Expected<bool> update_tenant_settings(const TenantRecord& tenant) = 0;
  virtual Expected<std::uint64_t> insert_api_key(const ApiKeyRecord& key) = 0;
  /// False when the key does not exist, belongs to another tenant or is revoked already.
  virtual Expected<bool> revoke_api_key(std::uint64_t tenant, std::uint64_t key_id,
                                        std::int64_t at_ms) = 0;

  // Messages.
  virtual Expected<std::optional<IdempotencyRecord>> find_idempotency(std::uint64_t tenant,
                                                                      const std::string& key) = 0;
  virtual Expected<void> insert_idempotency(const IdempotencyRecord& record) = 0;
  virtual Expected<void> insert_message(const MessageRecord& message) = 0;
  /// accepted -> submitted, with one carrier id per part (canonical). False when the
  /// message is not in state accepted (nothing is written then).
  virtual Expected<bool> mark_submitted(std::uint64_t id, const std::string& carrier,
                                        const std::vector<std::string>& carrier_ids,
                                        std::int64_t at_ms) = 0;
  /// accepted or submitted -> a final state. False when it was final already.
  virtual Expected<bool> finish(std::uint64_t id, std::uint8_t status, const std::string& code,
                                const std::string& detail, std::int64_t at_ms) = 0;
  /// The part a carrier id names; with `carrier` unset, at any carrier.
  virtual Expected<std::optional<PartRecord>> find_part(
      const std::string& carrier_id, const std::optional<std::string>& carrier) = 0;
  /// Moves the part a final receipt names out of part_state::kSubmitted into `state` and
  /// returns it, with its message's request id; with `carrier` unset, a submitted part at
  /// any carrier. nullopt when no submitted part has that id (unknown, or a receipt
  /// repeated).
  virtual Expected<std::optional<PartRecord>> mark_part(const std::string& carrier_id,
                                                        const std::optional<std::string>& carrier,
                                                        std::uint8_t state) = 0;
  /// Counts one more delivered part of the message; with its last part a submitted message
  /// becomes delivered at `at_ms` in the same statement. True when this part delivered it;
  /// Errc::not_found for no such message.
  virtual Expected<bool> deliver_part(std::uint64_t message_id, std::int64_t at_ms) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  /// Applies every migration not applied yet (both databases); idempotent.
  virtual Expected<void> migrate() = 0;
  /// Opens the write transaction; blocks while another one is open.
  virtual Expected<std::unique_ptr<WriteTransaction>> begin() = 0;
  /// Makes the commits named by `commit` durable (and every earlier one). Thread-safe, and
  /// may run while the next transaction is open. An error means the disk may have lost
  /// them: nothing that waited for it may be acknowledged.
  virtual Expected<void> sync(const Unsynced& commit) = 0;

  // Key store.
  virtual Expected<std::optional<TenantKeyRecord>> tenant_key(std::uint64_t tenant) = 0;
  virtual Expected<std::optional<SubjectRecord>> subject(std::uint64_t subject_id) = 0;
  /// The stored subjects among `ids`, in no particular order (destroyed ones are missing):
  /// one read for a page of messages instead of one per person.
  virtual Expected<std::vector<SubjectRecord>> subjects(const std::vector<std::uint64_t>& ids) = 0;
  virtual Expected<std::uint64_t> max_subject_id() = 0;
  /// A subject id for a new person from the database itself, for a store that several
  /// processes write at once (each id handed out once, never reused, even when its
  /// transaction rolls back); nullopt: the one writer counts on from max_subject_id().
  virtual Expected<std::optional<std::uint64_t>> next_subject_id() {
    return std::optional<std::uint64_t>{};
  }

  // Tenants and API keys.
  virtual Expected<std::optional<TenantRecord>> tenant(std::uint64_t id) = 0;
  virtual Expected<std::optional<TenantRecord>> tenant_by_public_id(std::string_view public_id) = 0;
  virtual Expected<std::vector<ApiKeyRecord>> api_keys(std::uint64_t tenant) = 0;
  /// With tenant_public_id filled in.
  virtual Expected<std::optional<ApiKeyRecord>> api_key_by_prefix(std::string_view prefix) = 0;

  // Messages.
  virtual Expected<std::optional<MessageRecord>> message(std::uint64_t tenant, std::uint64_t id) = 0;
  virtual Expected<std::vector<MessageRecord>> messages(const MessageQuery& query) = 0;
  virtual Expected<std::optional<IdempotencyRecord>> idempotency(std::uint64_t tenant,
                                                                 const std::string& key) = 0;
  /// Accepted messages without send_at and with id > after_id, oldest first.
  virtual Expected<std::vector<MessageRecord>> pending_messages(std::uint64_t after_id,
                                                                std::size_t limit) = 0;
  /// Accepted messages whose send_at <= now_ms, earliest first.
  virtual Expected<std::vector<MessageRecord>> due_messages(std::int64_t now_ms,
                                                            std::size_t limit) = 0;
  /// The earliest send_at after `after_ms` of an accepted message, if any.
  virtual Expected<std::optional<std::int64_t>> next_send_at(std::int64_t after_ms) = 0;
  /// Messages in state accepted (scheduled included).
  virtual Expected<std::uint64_t> count_accepted() = 0;
  virtual Expected<std::uint64_t> max_message_id() = 0;

  /// Work distribution between several nodes on one database (store/message_claims.hpp);
  /// nullptr for a single-node store, whose one process owns every message.
  virtual MessageClaims* claims() { return nullptr; }
};

}  // namespace diskret::store
