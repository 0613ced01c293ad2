#include "portal/user_admin_api.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <charconv>

#include "contacts/permissions.hpp"
#include "crypto/password.hpp"
#include "crypto/secret.hpp"
#include "http/problem.hpp"

namespace diskret::portal {
namespace {

namespace json = boost::json;

std::string actor_of(const api::Caller& caller) {
  if (caller.principal.user_id != 0) return "user:" + std::to_string(caller.principal.user_id);
  return "api_key:" + std::to_string(caller.principal.api_key_id);
}

http::Response no_such_user() {
  return http::problem(404, "not-found", "Not found", "There is no user with this id.");
}

http::Response unavailable(std::string_view what) {
  return api::unavailable_problem(std::string(what) + " cannot be changed right now.",
                                  std::chrono::seconds{1})
      .to_response();
}

}  // namespace

UserAdminApi::UserAdminApi(SessionStore& sessions, contacts::UserService& users,
                           tenancy::TenantService& tenants, PasswordStore& passwords,
                           TotpService& totp, const Clock& clock)
    : sessions_(sessions),
      users_(users),
      passwords_(passwords),
      totp_(totp),
      clock_(clock),
      auth_(tenants, clock, std::chrono::seconds{30}),
      worker_(std::make_unique<api::Worker>("portal-users")) {}

UserAdminApi::~UserAdminApi() { worker_.reset(); }

void UserAdminApi::add_routes(http::Router& router) {
  router.add("POST", "/v1/users/{id}/password-reset",
             [this](http::Request&& r, http::Respond respond) {
               reset_password(std::move(r), std::move(respond));
             });
  router.add("DELETE", "/v1/users/{id}/totp", [this](http::Request&& r, http::Respond respond) {
    remove_totp(std::move(r), std::move(respond));
  });
}

void UserAdminApi::audit(std::uint64_t tenant, const api::Caller& by, std::string action,
                         std::uint64_t user) {
  if (store_ == nullptr || audit_ == nullptr) return;
  store::AuditEventRecord e;
  e.tenant_id = tenant;
  e.at_ms = clock_.now_ms();
  e.actor = actor_of(by);
  e.action = std::move(action);
  e.object = "user:" + std::to_string(user);
  Expected<void> ok;
  if (auto tx = store_->begin(); !tx) {
    ok = unexpected(tx.error());
  } else if (auto appended = audit_->append(**tx, e); !appended) {
    ok = unexpected(appended.error());
  } else {
    ok = (*tx)->commit();
  }
  if (!ok) spdlog::warn("portal: {} not audited: {}", e.action, ok.error().message());
}

Expected<UserAdminApi::Target, http::Response> UserAdminApi::target_of(
    const http::Request& request) {
  auto caller = auth_.authenticate(request);
  if (!caller) return unexpected(caller.error().to_response());
  const auto role = caller->principal.role;
  if (!contacts::allows(role, contacts::Permission::manage_users)) {
    return unexpected(http::problem(
        403, "forbidden", "Forbidden",
        std::string("Role ") + contacts::role_label(role) + " may not do this (needs " +
            contacts::permission_name(contacts::Permission::manage_users) + ")."));
  }
  const std::string_view text = request.param("id");
  std::uint64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id == 0) {
    return unexpected(no_such_user());
  }
  // Looked up under the caller's tenant: another tenant's user is simply not there.
  auto user = users_.get(caller->principal.tenant.value, id);
  if (!user) return unexpected(unavailable("Users"));
  if (!*user || (*user)->disabled_at) return unexpected(no_such_user());
  if (!contacts::may_manage_role(role, (*user)->role)) {
    return unexpected(http::problem(403, "forbidden", "Forbidden",
                                    std::string("A ") + contacts::role_label(role) +
                                        " cannot act on a user with role " +
                                        contacts::role_label((*user)->role) + "."));
  }
  if (caller->principal.user_id == id) {
    return unexpected(http::problem(409, "own-account", "Your own account",
                                    "Change your own password or second factor under "
                                    "/v1/session, which asks for the current one."));
  }
  return Target{std::move(*caller), id};
}

void UserAdminApi::reset_password(http::Request&& request, http::Respond respond) {
  auto target = target_of(request);
  if (!target) return respond(std::move(target.error()));
  // Argon2id takes ~0.1 s: on the worker, not the I/O thread.
  worker_->post([this, target = std::move(*target), respond = std::move(respond)]() mutable {
    const auto tenant = target.caller.principal.tenant.value;
    const std::string password = crypto::random_token(18);  // 24 characters, 144 bits
    auto set = passwords_.set_hash(tenant, target.user, crypto::hash_password(password));
    if (!set) return respond(unavailable("The password"));
    if (!*set) return respond(no_such_user());  // removed meanwhile
    // Whoever knew the old password is logged out.
    sessions_.end_all(tenant, target.user);
    audit(tenant, target.caller, "user.password_reset", target.user);
    respond(http::Response{200, "application/json", {{"Cache-Control", "no-store"}},
                           json::serialize(json::object{{"user_id", target.user},
                                                        {"password", password}})});
  });
}

void UserAdminApi::remove_totp(http::Request&& request, http::Respond respond) {
  auto target = target_of(request);
  if (!target) return respond(std::move(target.error()));
  const auto tenant = target->caller.principal.tenant.value;
  if (!totp_.disable(tenant, target->user)) return respond(unavailable("The second factor"));
  audit(tenant, target->caller, "user.totp_removed", target->user);
  respond(http::Response{204, "application/json", {}, {}});
}

}  // namespace diskret::portal
