#pragma once
/// /v1/smpp-credentials: POST creates {system_id, password} (password shown once; optional
/// body {"window": n, "tps": n}), GET lists (no passwords, no hashes), DELETE
/// /v1/smpp-credentials/{system_id} revokes. Owners and admins only. It lives here, not in
/// api, because the credential service is the SMPP server's (api must not depend on it).
#include <chrono>

#include "api/authenticator.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "smpp_server/credentials.hpp"

namespace diskret::smpp_server {

inline constexpr std::uint32_t kMaxCredentialWindow = 1'000;
inline constexpr std::uint32_t kMaxCredentialTps = 10'000;

class CredentialsApi {
 public:
  CredentialsApi(CredentialService& credentials, tenancy::TenantService& tenants,
                 const Clock& clock, std::chrono::seconds settings_ttl = std::chrono::seconds{30});
  void add_routes(http::Router& router);

  void create(http::Request&& request, http::Respond respond);
  void list(http::Request&& request, http::Respond respond);
  void revoke(http::Request&& request, http::Respond respond);

 private:
  CredentialService& credentials_;
  api::Authenticator auth_;
};

}  // namespace diskret::smpp_server
