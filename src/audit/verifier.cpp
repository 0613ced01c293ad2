#include "audit/verifier.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "audit/chain.hpp"

namespace diskret::audit {

std::string_view to_string(BreakKind kind) {
  switch (kind) {
    case BreakKind::altered: return "altered";
    case BreakKind::rehashed: return "rehashed";
    case BreakKind::missing: return "missing";
    case BreakKind::out_of_order: return "out_of_order";
    case BreakKind::rewritten: return "rewritten";
    case BreakKind::checkpoint_forged: return "checkpoint_forged";
    case BreakKind::checkpoint_unknown_key: return "checkpoint_unknown_key";
  }
  return "unknown";
}

Verifier::Verifier(std::span<const Checkpoint> checkpoints,
                   std::span<const crypto::SigningPublicKey> keys) {
  for (const auto& c : checkpoints) {
    auto key = std::find_if(keys.begin(), keys.end(), [&](const auto& k) { return k.id() == c.key_id; });
    chains_.try_emplace(c.tenant);  // a chain with checkpoints but no entries lost them all
    if (key == keys.end()) {
      mark(c.tenant, c.seq, BreakKind::checkpoint_unknown_key,
           fmt::format("chain of tenant {}: the checkpoint at entry {} is signed by key {}, "
                       "which is not a trusted audit key",
                       c.tenant, c.seq, c.key_id));
    } else if (!signature_valid(c, *key)) {
      mark(c.tenant, c.seq, BreakKind::checkpoint_forged,
           fmt::format("chain of tenant {}: the checkpoint at entry {} has an invalid signature "
                       "(forged or altered)",
                       c.tenant, c.seq));
    } else {
      checkpoints_[c.tenant].emplace(c.seq, c);
    }
  }
}

// Keeps, per chain, the break with the lowest sequence number: that is the entry a human
// looks at first, and everything after it is suspect anyway.
void Verifier::mark(std::uint64_t tenant, std::uint64_t seq, BreakKind kind,
                    std::string description) {
  auto it = std::find_if(report_.breaks.begin(), report_.breaks.end(),
                         [&](const Break& b) { return b.tenant == tenant; });
  if (it == report_.breaks.end()) {
    report_.breaks.push_back({tenant, seq, kind, std::move(description)});
  } else if (seq < it->seq) {
    *it = Break{tenant, seq, kind, std::move(description)};
  }
}

void Verifier::check_checkpoints(const AuditEntry& e, const crypto::Sha256& actual, ChainState& chain) {
  auto cps = checkpoints_.find(e.tenant);
  if (cps == checkpoints_.end()) return;
  auto [first, last] = cps->second.equal_range(e.seq);
  for (auto it = first; it != last; ++it) {
    ++report_.checkpoints_checked;
    if (it->second.hash != actual) {
      // The links all held, so the stretch since the last matching checkpoint was
      // rewritten consistently; the first entry that may differ is the one after it.
      mark(e.tenant, chain.verified_to + 1, BreakKind::rewritten,
           fmt::format("chain of tenant {}: entries {} to {} were rewritten (the signed "
                       "checkpoint at entry {} does not match)",
                       e.tenant, chain.verified_to + 1, e.seq, e.seq));
      chain.broken = true;
      return;
    }
  }
  if (first != last) chain.verified_to = e.seq;
}

void Verifier::add(const AuditEntry& e) {
  ++report_.entries;
  auto& chain = chains_[e.tenant];
  if (chain.broken) return;
  const auto t = e.tenant;
  if (e.seq < chain.next_seq) {
    mark(t, e.seq, BreakKind::out_of_order,
         fmt::format("chain of tenant {}: entry {} appears again or out of order after entry {}", t,
                     e.seq, chain.next_seq - 1));
    chain.broken = true;
    return;
  }
  if (e.seq > chain.next_seq) {
    mark(t, chain.next_seq, BreakKind::missing,
         fmt::format("chain of tenant {}: entry {} is missing (deleted)", t, chain.next_seq));
    chain.broken = true;
    return;
  }
  const auto actual = entry_hash(e);
  if (actual != e.hash) {
    mark(t, e.seq, BreakKind::altered,
         fmt::format("chain of tenant {}: entry {} was altered (its content does not match its hash)",
                     t, e.seq));
    chain.broken = true;
    return;
  }
  if (e.prev_hash != chain.running) {
    // This entry is intact (its own hash covers prev_hash), so the one before it changed
    // after this entry was written, hash and all.
    if (e.seq == 1) {
      mark(t, 1, BreakKind::altered,
           fmt::format("chain of tenant {}: entry 1 does not start the chain", t));
    } else {
      mark(t, e.seq - 1, BreakKind::rehashed,
           fmt::format("chain of tenant {}: entry {} was altered or replaced (entry {} no longer "
                       "follows it)",
                       t, e.seq - 1, e.seq));
    }
    chain.broken = true;
    return;
  }
  check_checkpoints(e, actual, chain);
  chain.running = actual;
  chain.next_seq = e.seq + 1;
}

VerifyReport Verifier::finish() {
  for (auto& [tenant, chain] : chains_) {
    if (!chain.broken) {
      // A checkpoint beyond the last entry proves that entries existed there.
      auto cps = checkpoints_.find(tenant);
      if (cps != checkpoints_.end() && !cps->second.empty()) {
        const auto highest = cps->second.rbegin()->first;
        if (highest >= chain.next_seq) {
          mark(tenant, chain.next_seq, BreakKind::missing,
               fmt::format("chain of tenant {}: entries {} to {} are missing (deleted; a signed "
                           "checkpoint covers entry {})",
                           tenant, chain.next_seq, highest, highest));
        }
      }
    }
    if (chain.next_seq > 1) report_.heads.push_back({tenant, chain.next_seq - 1, chain.running});
  }
  report_.chains = static_cast<std::uint64_t>(
      std::count_if(chains_.begin(), chains_.end(), [](const auto& c) { return c.second.next_seq > 1; }));
  std::sort(report_.breaks.begin(), report_.breaks.end(), [](const Break& a, const Break& b) {
    return std::tie(a.tenant, a.seq) < std::tie(b.tenant, b.seq);
  });
  return std::move(report_);
}

VerifyReport verify(std::span<const AuditEntry> entries, std::span<const Checkpoint> checkpoints,
                    std::span<const crypto::SigningPublicKey> keys) {
  Verifier v(checkpoints, keys);
  for (const auto& e : entries) v.add(e);
  return v.finish();
}

}  // namespace diskret::audit
