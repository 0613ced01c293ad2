#pragma once
/// The hash chain of the audit trail: the canonical encoding of an entry, its hash and
/// how a draft becomes the next entry of its chain. Pure functions.
#include <string>

#include "audit/entry.hpp"
#include "core/expected.hpp"

namespace diskret::audit {

/// Length-prefixed fields after a version tag, so no two different entries encode alike
/// and anyone can recompute it: "diskret-audit/1;" then for each of tenant, seq, at_ms,
/// actor, action, object, subject, details: "<byte length>:<bytes>;".
std::string canonical_encoding(const AuditEntry& entry);

/// SHA-256(prev_hash (32 raw bytes) || canonical_encoding(entry)).
crypto::Sha256 entry_hash(const AuditEntry& entry);

/// The entry that follows `head` in its chain (seq + 1, prev_hash = head.hash, hash set).
/// Errc::invalid_entry when the draft's tenant is not head's, the actor is not a printable
/// "<kind>:<id>", the action is not a dotted lowercase name, the subject is not empty or 32 lowercase hex digits, or details is not a
/// JSON object.
Expected<AuditEntry> seal_entry(const AuditDraft& draft, const ChainHead& head);

inline ChainHead head_of(const AuditEntry& e) { return {e.tenant, e.seq, e.hash}; }

}  // namespace diskret::audit
