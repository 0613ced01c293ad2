#pragma once
/// Owners and admins helping another user of their tenant back in (issue 9):
///   POST   /v1/users/{id}/password-reset  -> 200 {user_id, password}: a new random
///          password, shown once; the user's sessions end (they change it with
///          PUT /v1/session/password after logging in)
///   DELETE /v1/users/{id}/totp            -> 204: the user's second factor and its
///          recovery codes are removed (they may enrol again)
/// Both need manage_users (owner/admin); an admin cannot act on an owner (403, like role
/// changes); a user of another tenant or none is 404; one's own account is 409 (use the
/// /v1/session routes, which ask for the current password or code). Audited as
/// user.password_reset / user.totp_removed with the acting user or key.
#include <memory>

#include "api/authenticator.hpp"
#include "api/worker.hpp"
#include "contacts/user_service.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "portal/password_store.hpp"
#include "portal/session_store.hpp"
#include "portal/totp_service.hpp"
#include "store/audit_trail.hpp"
#include "store/store.hpp"

namespace diskret::portal {

class UserAdminApi {
 public:
  UserAdminApi(SessionStore& sessions, contacts::UserService& users,
               tenancy::TenantService& tenants, PasswordStore& passwords, TotpService& totp,
               const Clock& clock);
  ~UserAdminApi();
  void set_audit(store::Store* store, store::AuditTrail* trail) {
    store_ = store;
    audit_ = trail;
  }
  void add_routes(http::Router& router);

  void reset_password(http::Request&& request, http::Respond respond);
  void remove_totp(http::Request&& request, http::Respond respond);

 private:
  struct Target {
    api::Caller caller;
    std::uint64_t user = 0;
  };
  /// The caller and the user of `{id}` it may act on, or the problem to answer.
  Expected<Target, http::Response> target_of(const http::Request& request);
  void audit(std::uint64_t tenant, const api::Caller& by, std::string action, std::uint64_t user);

  SessionStore& sessions_;
  contacts::UserService& users_;
  PasswordStore& passwords_;
  TotpService& totp_;
  const Clock& clock_;
  api::Authenticator auth_;
  store::Store* store_ = nullptr;
  store::AuditTrail* audit_ = nullptr;
  std::unique_ptr<api::Worker> worker_;  // last: joined first
};

}  // namespace diskret::portal
