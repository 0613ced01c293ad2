#pragma once
/// Signed checkpoints of the audit chains. A hash chain alone cannot show that its newest
/// entries were cut off, or that someone rewrote a stretch and recomputed every hash after
/// it; a checkpoint signs a chain's head (seq and hash) with the platform's Ed25519 audit
/// key, so either shows as a mismatch against a checkpoint made before the change.
#include <cstdint>
#include <string>

#include "audit/entry.hpp"
#include "crypto/sign.hpp"

namespace diskret::audit {

struct Checkpoint {
  std::uint64_t tenant = 0;
  std::uint64_t seq = 0;  ///< the entry it covers (and every one before it)
  crypto::Sha256 hash{};  ///< that entry's hash
  std::int64_t at_ms = 0;
  std::string key_id;     ///< crypto::SigningPublicKey::id() of the signing key
  crypto::Signature signature{};
};

/// The bytes that are signed: "diskret-audit-checkpoint/1;<tenant>;<seq>;<hash hex>;<at_ms>;<key id>".
std::string checkpoint_message(const Checkpoint& checkpoint);

/// A checkpoint of `head` signed with `key`.
Checkpoint make_checkpoint(const ChainHead& head, std::int64_t at_ms, const crypto::SigningKey& key);

/// Whether `checkpoint` carries a valid signature by `key` (and names that key).
bool signature_valid(const Checkpoint& checkpoint, const crypto::SigningPublicKey& key);

/// When writers add a checkpoint: every `every_entries` entries of a chain, and at shutdown
/// for each chain that moved since its last one.
struct CheckpointPolicy {
  std::uint64_t every_entries = 100;
};

/// True when the chain at `head`, last checkpointed at `last_checkpoint_seq`, needs one.
inline bool checkpoint_due(const ChainHead& head, std::uint64_t last_checkpoint_seq,
                           const CheckpointPolicy& policy) {
  return head.seq >= last_checkpoint_seq + policy.every_entries;
}

}  // namespace diskret::audit
