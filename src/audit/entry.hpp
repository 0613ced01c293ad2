#pragma once
/// One entry of the audit trail and who caused it. Each tenant has its own chain (tenant 0
/// is the platform's), so a tenant can check the entries it is shown without seeing anyone
/// else's. Entries never hold personal data: a person appears only as the blind index of
/// the number (hex), which is meaningless without the tenant's key.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "crypto/digest.hpp"

namespace diskret::audit {

/// Who did it. Text form "<kind>:<id>", e.g. "api_key:12", "user:5", "operator:ops-anna",
/// "system:retention".
enum class ActorKind : std::uint8_t { system, api_key, user, operator_staff, smpp };

struct Actor {
  ActorKind kind = ActorKind::system;
  std::string id;

  static Actor system(std::string_view job) { return {ActorKind::system, std::string(job)}; }
  static Actor api_key(std::uint64_t id) { return {ActorKind::api_key, std::to_string(id)}; }
  static Actor user(std::uint64_t id) { return {ActorKind::user, std::to_string(id)}; }
  static Actor operator_staff(std::string_view who) {
    return {ActorKind::operator_staff, std::string(who)};
  }
  static Actor smpp(std::string_view system_id) { return {ActorKind::smpp, std::string(system_id)}; }

  std::string to_string() const;
  /// Errc::invalid_entry for an unknown kind, an empty id or a control character.
  static Expected<Actor> parse(std::string_view text);
  friend bool operator==(const Actor&, const Actor&) = default;
};

/// What a caller asks to record; seal_entry() turns it into an AuditEntry.
struct AuditDraft {
  std::uint64_t tenant = 0;  ///< 0: the platform (operator actions without a tenant)
  std::int64_t at_ms = 0;
  std::string actor;    ///< Actor::to_string(), or another printable "<kind>:<id>"
  std::string action;   ///< dotted lowercase name, see audit/actions.hpp
  std::string object;   ///< what was acted on: "message:123", "apikey:7", "tenant", ""
  std::string subject;  ///< blind index of the person's number, 32 lowercase hex, or ""
  std::string details = "{}";  ///< a JSON object; never personal data
};

inline constexpr crypto::Sha256 kGenesisHash{};  ///< prev_hash of every chain's first entry

struct AuditEntry {
  std::uint64_t tenant = 0;
  std::uint64_t seq = 0;  ///< 1, 2, 3 ... within the tenant's chain
  std::int64_t at_ms = 0;
  std::string actor;      ///< Actor::to_string()
  std::string action;
  std::string object;
  std::string subject;
  std::string details;
  crypto::Sha256 prev_hash{};
  crypto::Sha256 hash{};  ///< entry_hash(*this)
};

/// The last entry of a chain as far as a writer or verifier knows it.
struct ChainHead {
  std::uint64_t tenant = 0;
  std::uint64_t seq = 0;  ///< 0: empty chain
  crypto::Sha256 hash = kGenesisHash;
};

}  // namespace diskret::audit
