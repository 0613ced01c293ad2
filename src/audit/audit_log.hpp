#pragma once
/// AuditLog: the tamper-evident audit trail of diskret. Appends entries to their tenant's
/// hash chain inside the caller's write transaction (so an entry commits with the change
/// it records), signs checkpoints every CheckpointPolicy::every_entries entries and at
/// shutdown, copies the newest checkpoints into the key store, and verifies the whole
/// trail. It is the store::AuditTrail that other modules write through.
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "audit/checkpoint.hpp"
#include "audit/entry.hpp"
#include "audit/verifier.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "store/audit_chain_store.hpp"
#include "store/audit_trail.hpp"
#include "store/key_vault.hpp"
#include "store/service_keys.hpp"
#include "store/store.hpp"

namespace diskret::audit {

class AuditLog final : public store::AuditTrail {
 public:
  AuditLog(store::Store& store, store::AuditChainStore& rows, store::KeyVault& vault,
           store::ServiceKeys& keys, const Clock& clock, CheckpointPolicy policy = {});

  // store::AuditTrail
  /// Details that are not a JSON object are kept as {"note": "<details>"}.
  Expected<std::uint64_t> append(store::WriteTransaction& tx,
                                 const store::AuditEventRecord& event) override;
  Expected<std::vector<store::AuditEventRecord>> events(std::uint64_t tenant,
                                                        std::uint64_t before_id,
                                                        std::size_t limit) override;

  /// Appends `draft` to its tenant's chain inside `tx`, with a signed checkpoint when one
  /// is due. at_ms 0 means now.
  Expected<AuditEntry> record(store::WriteTransaction& tx, AuditDraft draft);
  /// The same in a transaction of its own (operator commands).
  Expected<AuditEntry> record(AuditDraft draft);

  /// One tenant's entries, newest first.
  Expected<std::vector<AuditEntry>> page(const store::AuditPageQuery& query);

  /// Signs the head of every chain that moved since its last checkpoint (shutdown), then
  /// anchors. Returns the number of checkpoints made.
  Expected<std::size_t> checkpoint_all();
  /// Copies each chain's newest committed checkpoint into the key store.
  Expected<void> anchor();
  /// A chain whose key-store anchor pointed past the restored trail.
  struct RewoundChain {
    std::uint64_t tenant = 0;
    std::uint64_t anchored_seq = 0;  ///< entries up to here existed before the restore
    std::uint64_t restored_seq = 0;  ///< the restored trail ends here
  };
  /// After a restore of an older diskret.db the key store's anchors name entries the
  /// restored trail does not have: points each such anchor at the restored trail's newest
  /// checkpoint (or removes it) and returns what was rewound, for the restore's own entry.
  Expected<std::vector<RewoundChain>> rewind_anchors();

  /// Chains rows written without the chain (older releases, other writers), oldest first.
  Expected<std::size_t> adopt_unchained();

  /// Recomputes every chain and checks it against the checkpoints in diskret.db and the
  /// anchors in the key store, trusting every audit signing key the key store has had.
  Expected<VerifyReport> verify();

  /// The public key that signs checkpoints now.
  Expected<crypto::SigningPublicKey> public_key();

 private:
  Expected<crypto::SigningKey> signer();
  Expected<ChainHead> head(store::WriteTransaction& tx, std::uint64_t tenant);

  store::Store& store_;
  store::AuditChainStore& rows_;
  store::KeyVault& vault_;
  store::ServiceKeys& keys_;
  const Clock& clock_;
  CheckpointPolicy policy_;
  std::mutex signer_mutex_;
  std::optional<crypto::SigningKey> signer_;
};

/// Converts between stored rows and entries.
AuditEntry to_entry(const store::AuditChainRow& row);
store::AuditChainRow to_row(const AuditEntry& entry);
/// Hex of a blind index, the form subjects take in the trail.
std::string subject_hex(const store::Blind& blind);

}  // namespace diskret::audit
