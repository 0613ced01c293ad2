#pragma once
/// SMPP credentials of tenants: creation (password shown once), listing, revocation and
/// the check at bind time. Passwords are random (SMPP 3.4 allows 8 characters) and kept
/// only as a keyed hash (pepper from the master key), so a check costs microseconds.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "crypto/secret.hpp"
#include "pipeline/message.hpp"
#include "store/smpp_credential_store.hpp"

namespace diskret::smpp_server {

using pipeline::TenantId;

inline constexpr std::size_t kSystemIdLength = 12;  ///< "dk" + 10 random; SMPP max 15
inline constexpr std::size_t kPasswordLength = 8;   ///< SMPP 3.4 maximum

struct Credential {
  std::uint64_t id = 0;
  TenantId tenant;
  std::string system_id;
  std::uint32_t window = 0;  ///< 0 = server default
  std::uint32_t tps = 0;     ///< 0 = server default
  SystemTime created_at;
  std::optional<SystemTime> revoked_at;
};

struct CreatedCredential {
  Credential credential;
  std::string password;  ///< shown once
};

/// The hash stored for a password: keyed BLAKE2b over "smpp\0<system_id>\0<password>".
std::string hash_password(const crypto::SecretKey& pepper, std::string_view system_id,
                          std::string_view password);
/// A random string of `length` characters from [a-zA-Z0-9] (unbiased).
std::string random_alnum(std::size_t length);

class CredentialService {
 public:
  CredentialService(store::SmppCredentialStore& store, crypto::SecretKey pepper,
                    const Clock& clock);

  /// New system_id and password for the tenant; limits 0 mean the server defaults.
  Expected<CreatedCredential> create(TenantId tenant, std::uint32_t window = 0,
                                     std::uint32_t tps = 0);
  Expected<std::vector<Credential>> list(TenantId tenant);
  /// Errc::not_found when the tenant has no such active credential. Once revoked, the
  /// revocation listener is told (the SMPP server drops the credential's binds at once).
  Expected<void> revoke(TenantId tenant, std::string_view system_id);
  /// One listener (set before revoke() can run); called on the revoking thread.
  void on_revoke(std::function<void(const std::string& system_id)> listener) {
    on_revoke_ = std::move(listener);
  }
  /// The credential for a bind: Errc::permission_denied for an unknown system_id, a
  /// revoked credential or a wrong password (constant-time comparison of the hashes).
  Expected<Credential> verify(std::string_view system_id, std::string_view password);

 private:
  store::SmppCredentialStore& store_;
  const crypto::SecretKey pepper_;
  const Clock& clock_;
  std::function<void(const std::string& system_id)> on_revoke_;
};

}  // namespace diskret::smpp_server
