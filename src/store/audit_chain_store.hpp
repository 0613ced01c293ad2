#pragma once
/// AuditChainStore: the rows of the hash-chained audit trail (audit_events with the chain
/// columns of migration 0031, audit_checkpoints). The chain itself (hashes, signatures,
/// verification) is computed by src/audit; this is storage only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace diskret::store {

struct AuditChainRow {
  std::uint64_t id = 0;  ///< assigned by insert
  std::uint64_t tenant_id = 0;
  std::optional<std::uint64_t> seq;  ///< unset: written outside the chain, not yet adopted
  std::int64_t at_ms = 0;
  std::string actor;
  std::string action;
  std::string object;
  std::optional<Blind> subject_blind;
  std::string details;
  std::string prev_hash;  ///< 32 bytes once chained
  std::string hash;
};

struct AuditCheckpointRow {
  std::uint64_t tenant_id = 0;
  std::uint64_t seq = 0;
  std::string hash;
  std::int64_t at_ms = 0;
  std::string key_id;
  std::string signature;
};

/// One tenant's entries, newest first.
struct AuditPageQuery {
  std::uint64_t tenant_id = 0;
  std::uint64_t before_seq = 0;  ///< 0: from the newest
  std::uint64_t before_id = 0;   ///< row ids strictly below (AuditTrail cursors); 0: any
  std::size_t limit = 50;
  std::optional<Blind> subject;  ///< only entries about this person
};

class AuditChainStore {
 public:
  virtual ~AuditChainStore() = default;

  // Inside a write transaction of the Store this belongs to.
  /// The chain's newest entry, as this transaction sees it.
  virtual Expected<std::optional<AuditChainRow>> head(WriteTransaction& tx, std::uint64_t tenant) = 0;
  virtual Expected<std::uint64_t> insert(WriteTransaction& tx, const AuditChainRow& row) = 0;
  virtual Expected<std::optional<AuditCheckpointRow>> last_checkpoint(WriteTransaction& tx,
                                                                      std::uint64_t tenant) = 0;
  virtual Expected<void> insert_checkpoint(WriteTransaction& tx, const AuditCheckpointRow& c) = 0;
  /// Rows with seq unset, oldest first.
  virtual Expected<std::vector<AuditChainRow>> unchained(WriteTransaction& tx, std::size_t limit) = 0;
  /// Gives an unchained row its place in the chain (seq, hashes and the normalised actor,
  /// action, object and details that were hashed).
  virtual Expected<void> adopt(WriteTransaction& tx, const AuditChainRow& row) = 0;
  /// Removes a restored trail's rows of tenants that were offboarded.
  virtual Expected<void> remove_tenant(WriteTransaction& tx, std::uint64_t tenant) = 0;

  // Reads (any thread).
  /// Chained rows in (tenant, seq) order after (after_tenant, after_seq).
  virtual Expected<std::vector<AuditChainRow>> scan(std::uint64_t after_tenant,
                                                    std::uint64_t after_seq, std::size_t limit) = 0;
  virtual Expected<std::vector<AuditChainRow>> page(const AuditPageQuery& query) = 0;
  virtual Expected<std::vector<AuditCheckpointRow>> checkpoints() = 0;
  /// The newest checkpoint of each chain.
  virtual Expected<std::vector<AuditCheckpointRow>> latest_checkpoints() = 0;
  /// The newest entry of each chain.
  virtual Expected<std::vector<AuditChainRow>> heads() = 0;
};

}  // namespace diskret::store
