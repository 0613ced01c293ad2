#pragma once
/// Storage of SMPP server credentials (system_id + peppered password hash per tenant).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace diskret::store {

struct SmppCredentialRecord {
  std::uint64_t id = 0;
  std::uint64_t tenant_id = 0;
  std::string system_id;
  std::string hash;             ///< crypto::hash_secret of the password
  std::uint32_t window = 0;     ///< 0 = server default
  std::uint32_t tps = 0;        ///< 0 = server default
  std::int64_t created_at = 0;  ///< epoch ms
  std::optional<std::int64_t> revoked_at;
};

class SmppCredentialStore {
 public:
  virtual ~SmppCredentialStore() = default;
  /// Inserts; Errc::already_exists when the system_id is taken. Returns the row id.
  virtual Expected<std::uint64_t> insert(const SmppCredentialRecord& record) = 0;
  /// The tenant's credentials, revoked ones included, oldest first.
  virtual Expected<std::vector<SmppCredentialRecord>> list(std::uint64_t tenant) = 0;
  virtual Expected<std::optional<SmppCredentialRecord>> find(std::string_view system_id) = 0;
  /// Sets revoked_at; false when the tenant has no such active credential.
  virtual Expected<bool> revoke(std::uint64_t tenant, std::string_view system_id,
                                std::int64_t now_ms) = 0;
};

}  // namespace diskret::store
