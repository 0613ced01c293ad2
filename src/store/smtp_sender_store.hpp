#pragma once
/// Storage of the sender addresses tenants registered for email to SMS (migration 0045).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"

namespace diskret::store {

struct SmtpSenderRecord {
  std::uint64_t id = 0;
  std::uint64_t tenant_id = 0;
  std::string address_index;  ///< keyed hash of the lower-cased address (bytes)
  std::string address;        ///< sealed under the tenant's data key
  std::string networks;       ///< CIDRs separated by spaces
  std::int64_t created_at = 0;  ///< epoch ms
};

class SmtpSenderStore {
 public:
  virtual ~SmtpSenderStore() = default;
  /// Inserts; Errc::already_exists when the address is registered (by any tenant).
  virtual Expected<std::uint64_t> insert(const SmtpSenderRecord& record) = 0;
  /// The tenant's addresses, oldest first.
  virtual Expected<std::vector<SmtpSenderRecord>> list(std::uint64_t tenant) = 0;
  virtual Expected<std::optional<SmtpSenderRecord>> find(const std::string& address_index) = 0;
  /// False when the tenant has no such row.
  virtual Expected<bool> remove(std::uint64_t tenant, std::uint64_t id) = 0;
};

}  // namespace diskret::store
