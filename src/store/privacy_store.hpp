#pragma once
/// PrivacyStore: the row work of the privacy operations in the main database: finding a
/// person's messages, scrubbing or pseudonymising rows (erasure, retention), the retention
/// job's settings and progress, and markers that survive in a copy of the database. The
/// ciphertext is made by the layer above (privacy/); no personal data in clear here.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace diskret::store {

namespace scrub {
inline constexpr std::uint8_t kNone = 0;
inline constexpr std::uint8_t kTextRemoved = 1;
inline constexpr std::uint8_t kPseudonymised = 2;
}  // namespace scrub

/// A sent or received message as the privacy operations see it.
struct PrivacyRow {
  std::uint64_t id = 0;
  std::uint64_t tenant_id = 0;
  std::optional<std::uint64_t> subject_id;
  std::uint8_t status = 0;  ///< messages: state::k*; inbound: 1 handled, 0 not yet
  std::optional<std::int64_t> done_at_ms;  ///< messages: final time; inbound: received_at
  std::uint8_t scrubbed = scrub::kNone;
  std::string payload;
};

enum class RowTable : std::uint8_t { messages, inbound };

struct IdempotencyRow {
  std::string key;
  std::string sealed;
};

class PrivacyStore {
 public:
  virtual ~PrivacyStore() = default;

  // Reads (any thread).
  /// The tenant's rows sealed under one of `subject_ids`, oldest first. Scans the tenant's
  /// rows (there is no index by person on the hot tables): fine for exports and erasures.
  virtual Expected<std::vector<PrivacyRow>> rows_of_subjects(RowTable table, std::uint64_t tenant,
                                                             std::span<const std::uint64_t> subject_ids) = 0;
  /// Rows with ids in [from_id, below_id), oldest first (the retention job's walk).
  virtual Expected<std::vector<PrivacyRow>> rows_between(RowTable table, std::uint64_t tenant,
                                                         std::uint64_t from_id, std::uint64_t below_id,
                                                         std::size_t limit) = 0;
  virtual Expected<std::optional<PrivacyRow>> row(RowTable table, std::uint64_t tenant,
                                                  std::uint64_t id) = 0;
  /// Rows the tenant holds per table (contacts, consents, suppressions, users, messages,
  /// inbound_messages), for the records of processing.
  virtual Expected<std::vector<std::pair<std::string, std::uint64_t>>> category_counts(std::uint64_t tenant) = 0;
  /// Ids of the tenants that are not offboarded.
  virtual Expected<std::vector<std::uint64_t>> tenants() = 0;
  virtual Expected<std::optional<std::string>> retention_settings(std::uint64_t tenant) = 0;
  virtual Expected<std::int64_t> state(const std::string& name) = 0;  ///< 0 when unset
  virtual Expected<std::uint64_t> cursor(std::uint64_t tenant, const std::string& stage) = 0;
  virtual Expected<std::vector<std::uint64_t>> pending(std::uint64_t tenant, const std::string& stage) = 0;

  // Writes inside `tx`.
  /// Replaces payload, subject link and scrubbed state of one row.
  virtual Expected<void> rewrite(WriteTransaction& tx, RowTable table, std::uint64_t id,
                                 const std::string& payload, std::optional<std::uint64_t> subject_id,
                                 std::uint8_t scrubbed) = 0;
  /// Accepted (not yet submitted) messages of the subjects become failed with `code`.
  virtual Expected<std::uint64_t> fail_waiting(WriteTransaction& tx, std::uint64_t tenant,
                                               std::span<const std::uint64_t> subject_ids,
                                               const std::string& code, std::int64_t at_ms) = 0;
  virtual Expected<std::uint64_t> delete_inbound(WriteTransaction& tx, std::uint64_t tenant,
                                                 std::span<const std::uint64_t> ids) = 0;
  /// Messages the abuse checks held for review, of the person with this blind index.
  virtual Expected<std::uint64_t> delete_held_messages(WriteTransaction& tx, std::uint64_t tenant,
                                                       const Blind& blind) = 0;
  virtual Expected<std::uint64_t> delete_keyword_replies(WriteTransaction& tx, std::uint64_t tenant,
                                                         std::span<const std::uint64_t> subject_ids) = 0;
  virtual Expected<std::vector<IdempotencyRow>> idempotency_rows(WriteTransaction& tx,
                                                                 std::uint64_t tenant) = 0;
  virtual Expected<void> delete_idempotency(WriteTransaction& tx, std::uint64_t tenant,
                                            const std::string& key) = 0;
  virtual Expected<void> put_retention_settings(WriteTransaction& tx, std::uint64_t tenant,
                                                const std::string& json, std::int64_t at_ms) = 0;
  virtual Expected<void> set_state(WriteTransaction& tx, const std::string& name, std::int64_t value) = 0;
  virtual Expected<void> set_cursor(WriteTransaction& tx, std::uint64_t tenant, const std::string& stage,
                                    std::uint64_t next_id) = 0;
  virtual Expected<void> add_pending(WriteTransaction& tx, std::uint64_t tenant, const std::string& stage,
                                     std::uint64_t id) = 0;
  virtual Expected<void> remove_pending(WriteTransaction& tx, std::uint64_t tenant,
                                        const std::string& stage, std::uint64_t id) = 0;
  /// Deletes every row that belongs to the tenant (any table with a tenant_id column, and
  /// what hangs off its messages and lists) except its audit trail, and marks the tenant
  /// offboarded.
  virtual Expected<void> remove_tenant_data(WriteTransaction& tx, std::uint64_t tenant,
                                            std::int64_t at_ms) = 0;
  /// Raises the tenants id sequence to at least `id` (a restored copy must not hand out
  /// ids the key store has seen).
  virtual Expected<void> reserve_tenant_ids(WriteTransaction& tx, std::uint64_t id) = 0;
};

}  // namespace diskret::store
