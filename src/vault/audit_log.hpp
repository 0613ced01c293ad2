#pragma once
/// The vault's own append-only audit log. Every entry carries the SHA-256 of the previous
/// entry's hash and its own content, so an edited, removed or reordered row breaks the
/// chain that verify() recomputes. Triggers refuse UPDATE and DELETE on the table.
/// Entries never contain card numbers or CVCs: subjects are tokens, charge ids, owners.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "vault/sqlite.hpp"

namespace diskret::vault {

struct AuditEntry {
  std::int64_t seq = 0;
  std::int64_t at_ms = 0;
  std::string event;    ///< "card.stored", "charge.approved", "service.auth_failed", ...
  std::string actor;    ///< "form:<ip>", "service", "cli"
  std::string subject;  ///< token, charge id or request path
  std::string detail;   ///< short, no card data
  std::string prev_hash;
  std::string hash;
};

/// Hex SHA-256 over the previous hash and the entry's fields, each length-prefixed so no
/// two different entries serialise alike.
std::string audit_entry_hash(const AuditEntry& entry);

inline constexpr std::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

class AuditLog {
 public:
  AuditLog(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  /// Appends inside the caller's transaction when there is one (so an entry and the change
  /// it records commit together), else in its own.
  Expected<void> append(std::string_view event, std::string_view actor, std::string_view subject,
                        std::string_view detail);
  /// Recomputes the chain. Returns the number of entries, or Errc::corrupt_audit naming
  /// the first entry that does not verify.
  Expected<std::size_t> verify() const;
  /// Entries with seq > after, oldest first.
  Expected<std::vector<AuditEntry>> entries(std::int64_t after = 0, std::size_t limit = 1000) const;

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace diskret::vault
