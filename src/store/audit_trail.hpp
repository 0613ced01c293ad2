#pragma once
/// AuditTrail: who did what to which person's data, per tenant, without personal data in
/// clear (the person appears as the tenant's blind index of the number). Written inside the
/// transaction of the change it records. Fields follow audit::AuditDraft: the hash-chained
/// trail (src/audit) can implement this interface; callers depend on it only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace diskret::store {

struct AuditEventRecord {
  std::uint64_t id = 0;  ///< assigned by append
  std::uint64_t tenant_id = 0;
  std::int64_t at_ms = 0;
  std::string actor;   ///< audit::Actor text: "system:sms_keyword", "api_key:12" ...
  std::string action;  ///< audit/actions.hpp: "suppression.added" ...
  std::string object;  ///< what was acted on: "inbound:0123...", "number:12345", ""
  std::optional<Blind> subject_blind;
  std::string details;  ///< JSON or a sentence; never personal data
};

class AuditTrail {
 public:
  virtual ~AuditTrail() = default;
  /// Appends inside `tx` (a transaction of the Store this trail belongs to).
  virtual Expected<std::uint64_t> append(WriteTransaction& tx, const AuditEventRecord& event) = 0;
  /// Newest first: ids strictly below `before_id` (0: from the newest).
  virtual Expected<std::vector<AuditEventRecord>> events(std::uint64_t tenant,
                                                         std::uint64_t before_id,
                                                         std::size_t limit) = 0;
};

}  // namespace diskret::store
