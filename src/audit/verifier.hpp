#pragma once
/// Verification of audit chains: recomputes every hash, follows every link and checks the
/// signed checkpoints, and names the first entry that does not verify.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "audit/checkpoint.hpp"
#include "audit/entry.hpp"
#include "crypto/sign.hpp"

namespace diskret::audit {

enum class BreakKind : std::uint8_t {
  altered,               ///< the entry's content does not match its hash
  rehashed,              ///< altered and its hash recomputed: the next entry no longer follows it
  missing,               ///< the entry (and maybe more after it) was deleted
  out_of_order,          ///< a sequence number repeats or goes back
  rewritten,             ///< a stretch was rewritten with recomputed hashes (checkpoint mismatch)
  checkpoint_forged,     ///< a checkpoint's signature is invalid
  checkpoint_unknown_key ///< a checkpoint names a key that is not trusted
};

std::string_view to_string(BreakKind kind);

struct Break {
  std::uint64_t tenant = 0;
  std::uint64_t seq = 0;  ///< the first entry concerned
  BreakKind kind = BreakKind::altered;
  std::string description;  ///< one sentence naming tenant chain and entry
};

struct VerifyReport {
  std::uint64_t entries = 0;
  std::uint64_t chains = 0;
  std::uint64_t checkpoints_checked = 0;  ///< checkpoints matched against an entry
  std::vector<Break> breaks;              ///< at most one per chain, ordered by (tenant, seq)
  std::vector<ChainHead> heads;           ///< the last entry of each chain as found

  bool ok() const { return breaks.empty(); }
  /// The first broken entry in (tenant, seq) order.
  const Break* first_break() const { return breaks.empty() ? nullptr : &breaks.front(); }
};

/// Streaming verifier: add() the entries of each chain in seq order (chains may come one
/// after another or interleaved), then finish(). Memory is per chain and per checkpoint,
/// not per entry, so a long trail can be read in pages.
class Verifier {
 public:
  Verifier(std::span<const Checkpoint> checkpoints, std::span<const crypto::SigningPublicKey> keys);

  void add(const AuditEntry& entry);
  VerifyReport finish();

 private:
  struct ChainState {
    std::uint64_t next_seq = 1;
    crypto::Sha256 running = kGenesisHash;
    std::uint64_t verified_to = 0;  ///< last seq covered by a matching checkpoint
    bool broken = false;
  };
  void mark(std::uint64_t tenant, std::uint64_t seq, BreakKind kind, std::string description);
  void check_checkpoints(const AuditEntry& entry, const crypto::Sha256& actual, ChainState& chain);

  // tenant -> seq -> checkpoints with a valid signature
  std::map<std::uint64_t, std::multimap<std::uint64_t, Checkpoint>> checkpoints_;
  std::map<std::uint64_t, ChainState> chains_;
  VerifyReport report_;
};

/// Verifies a whole trail at once (see Verifier).
VerifyReport verify(std::span<const AuditEntry> entries, std::span<const Checkpoint> checkpoints,
                    std::span<const crypto::SigningPublicKey> keys);

}  // namespace diskret::audit
