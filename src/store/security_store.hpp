#pragma once
/// SecurityStore: operator access grants and security alerts (migration 0033). No
/// personal data: grantees are operator staff names, details are JSON without numbers.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/expected.hpp"
#include "store/store.hpp"

namespace diskret::store {

struct AccessGrantRecord {
  std::uint64_t id = 0;  ///< assigned by insert_grant
  std::uint64_t tenant_id = 0;
  std::string grantee;     ///< operator staff member, as they log in ("ops-anna")
  std::string reason;
  std::string granted_by;  ///< audit actor of the tenant admin
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  std::optional<std::int64_t> revoked_at_ms;
};

struct AlertRecord {
  std::uint64_t id = 0;  ///< assigned by insert_alert
  std::uint64_t tenant_id = 0;  ///< 0: platform
  std::string kind;      ///< "auth.many_failures", "export.many_subjects", ...
  std::string severity;  ///< "info", "warning", "critical"
  std::string details;   ///< JSON object
  std::int64_t at_ms = 0;
};

class SecurityStore {
 public:
  virtual ~SecurityStore() = default;

  virtual Expected<std::uint64_t> insert_grant(WriteTransaction& tx, const AccessGrantRecord& g) = 0;
  /// False when the grant does not exist for the tenant or was revoked already.
  virtual Expected<bool> revoke_grant(WriteTransaction& tx, std::uint64_t tenant, std::uint64_t id,
                                      std::int64_t at_ms) = 0;
  /// Newest first.
  virtual Expected<std::vector<AccessGrantRecord>> grants(std::uint64_t tenant) = 0;
  virtual Expected<std::optional<AccessGrantRecord>> grant(std::uint64_t tenant, std::uint64_t id) = 0;

  virtual Expected<std::uint64_t> insert_alert(WriteTransaction& tx, const AlertRecord& a) = 0;
  /// The tenant's alerts and the platform's, newest first, ids strictly below `before_id`
  /// (0: from the newest).
  virtual Expected<std::vector<AlertRecord>> alerts(std::uint64_t tenant, std::uint64_t before_id,
                                                    std::size_t limit) = 0;
  /// Alerts per kind, all tenants (for /metrics).
  virtual Expected<std::vector<std::pair<std::string, std::uint64_t>>> alert_counts() = 0;
};

}  // namespace diskret::store
