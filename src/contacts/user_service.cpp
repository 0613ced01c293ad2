#include "contacts/user_service.hpp"

#include <fmt/format.h>

#include "contacts/errc.hpp"
#include "contacts/sealed_fields.hpp"
#include "contacts/text_checks.hpp"
#include "contacts/write_scope.hpp"
#include "crypto/blind_index.hpp"
#include "crypto/password.hpp"
#include "crypto/secret.hpp"

namespace diskret::contacts {
namespace {

SystemTime time_of(std::int64_t ms) { return SystemTime{std::chrono::milliseconds{ms}}; }

Error denied(std::string detail) {
  return Error{make_error_code(Errc::permission_denied), std::move(detail)};
}

}  // namespace

std::optional<std::string> check_email(std::string_view email) {
  if (email.empty()) return "required";
  if (email.size() > 254) return "longer than 254 bytes";
  if (!valid_utf8(email) || has_control(email, false)) return "not a valid email address";
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return "not a valid email address";
  }
  const std::string_view domain = email.substr(at + 1);
  if (domain.size() < 3 || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || email.find(' ') != std::string_view::npos) {
    return "not a valid email address";
  }
  return std::nullopt;
}

std::optional<std::string> check_password(std::string_view password) {
  if (!valid_utf8(password)) return "not valid UTF-8";
  if (utf8_length(password) < kMinPasswordChars) {
    return "shorter than " + std::to_string(kMinPasswordChars) + " characters";
  }
  if (password.size() > kMaxPasswordBytes) {
    return "longer than " + std::to_string(kMaxPasswordBytes) + " bytes";
  }
  return std::nullopt;
}

UserService::UserService(store::Store& store, store::ContactStore& contacts, store::KeyRing& keys,
                         const Clock& clock, PasswordHashing hashing)
    : store_(store), contacts_(contacts), keys_(keys), clock_(clock), hashing_(hashing) {
  if (!hashing_.hash) hashing_.hash = &crypto::hash_password;
  if (!hashing_.verify) hashing_.verify = &crypto::verify_password;
}

Expected<UserView> UserService::view(std::uint64_t tenant, const store::UserRecord& r) {
  auto keys = keys_.tenant(tenant);
  if (!keys) return unexpected(keys.error());
  auto email = open_email((*keys)->data_key, tenant, r.email_blind, r.email_sealed);
  if (!email) return unexpected(email.error());
  UserView v;
  v.id = r.id;
  v.email = std::move(*email);
  v.role = tenancy::parse_role(r.role).value_or(Role::viewer);
  v.created_at = time_of(r.created_at_ms);
  if (r.disabled_at_ms) v.disabled_at = time_of(*r.disabled_at_ms);
  return v;
}

Expected<void> UserService::record(store::WriteTransaction& tx, std::uint64_t tenant,
                                   std::string_view by, std::string_view action, std::uint64_t id,
                                   std::string details) {
  if (audit_ == nullptr) return {};
  store::AuditEventRecord e;
  e.tenant_id = tenant;
  e.at_ms = clock_.now_ms();
  e.actor = by.empty() ? std::string("system:users") : std::string(by);
  e.action = std::string(action);
  e.object = "user:" + std::to_string(id);
  e.details = std::move(details);
  auto ok = audit_->append(tx, e);
  if (!ok) return unexpected(ok.error());
  return {};
}

Expected<CreatedUser> UserService::create(std::uint64_t tenant, std::string_view email, Role role,
                                          std::optional<std::string_view> password, Role actor,
                                          std::string_view by) {
  if (!may_manage_role(actor, role)) {
    return unexpected(denied(std::string("a ") + role_label(actor) +
                             " cannot create a user with role " + role_label(role)));
  }
  const std::string canonical = canonical_email(email);
  if (auto why = check_email(canonical)) return fail(Errc::invalid_field, "email: " + *why);
  CreatedUser out;
  std::string secret;
  if (password) {
    if (auto why = check_password(*password)) return fail(Errc::invalid_field, "password: " + *why);
    secret = std::string(*password);
  } else {
    secret = crypto::random_token(18);  // 24 characters, 144 bits
    out.initial_password = secret;
  }
  auto keys = keys_.tenant(tenant);
  if (!keys) return unexpected(keys.error());
  store::UserRecord r;
  r.tenant_id = tenant;
  r.email_blind = crypto::blind_index((*keys)->index_key, "email:" + canonical);
  r.email_sealed = seal_email((*keys)->data_key, tenant, r.email_blind, canonical);
  r.password_hash = hashing_.hash(secret);
  r.role = tenancy::role_name(role);
  r.created_at_ms = clock_.now_ms();
  auto scope = WriteScope::begin(store_, contacts_, keys_);
  if (!scope) return unexpected(scope.error());
  auto id = scope->writes().insert_user(r);
  if (!id) {
    if (id.error().code == diskret::Errc::already_exists) {
      return fail(diskret::Errc::already_exists, "a user with this email exists");
    }
    return unexpected(id.error());
  }
  if (auto ok = record(scope->tx(), tenant, by, "user.added", *id,
                       fmt::format(R"({{"role":"{}"}})", tenancy::role_name(role)));
      !ok) {
    return unexpected(ok.error());
  }
  if (auto ok = scope->commit(); !ok) return unexpected(ok.error());
  r.id = *id;
  auto v = view(tenant, r);
  if (!v) return unexpected(v.error());
  out.user = std::move(*v);
  return out;
}

Expected<std::vector<UserView>> UserService::list(std::uint64_t tenant) {
  auto rows = contacts_.users(tenant);
  if (!rows) return unexpected(rows.error());
  std::vector<UserView> out;
  for (const auto& r : *rows) {
    auto v = view(tenant, r);
    if (!v) return unexpected(v.error());
    out.push_back(std::move(*v));
  }
  return out;
}

Expected<std::optional<UserView>> UserService::get(std::uint64_t tenant, std::uint64_t id) {
  auto r = contacts_.user(tenant, id);
  if (!r) return unexpected(r.error());
  if (!*r) return std::optional<UserView>{};
  auto v = view(tenant, **r);
  if (!v) return unexpected(v.error());
  return std::optional<UserView>{std::move(*v)};
}

Expected<std::optional<UserView>> UserService::change_role(std::uint64_t tenant, std::uint64_t id,
                                                           Role role, Role actor,
                                                           std::string_view by) {
  auto scope = WriteScope::begin(store_, contacts_, keys_);
  if (!scope) return unexpected(scope.error());
  auto user = scope->writes().user(tenant, id);
  if (!user) return unexpected(user.error());
  if (!*user) return std::optional<UserView>{};
  const Role current = tenancy::parse_role((*user)->role).value_or(Role::viewer);
  if (!may_manage_role(actor, current) || !may_manage_role(actor, role)) {
    return unexpected(denied(std::string("a ") + role_label(actor) + " cannot change a " +
                             role_label(current) + " into a " + role_label(role)));
  }
  if (current == Role::owner && role != Role::owner) {
    auto owners = scope->writes().count_owners(tenant);
    if (!owners) return unexpected(owners.error());
    if (*owners <= 1) return fail(Errc::last_owner, "the tenant's last owner cannot be demoted");
  }
  auto changed = scope->writes().update_user_role(tenant, id, tenancy::role_name(role));
  if (!changed) return unexpected(changed.error());
  if (current != role) {
    if (auto ok = record(scope->tx(), tenant, by, "user.role_changed", id,
                         fmt::format(R"({{"from":"{}","to":"{}"}})", tenancy::role_name(current),
                                     tenancy::role_name(role)));
        !ok) {
      return unexpected(ok.error());
    }
  }
  if (auto ok = scope->commit(); !ok) return unexpected(ok.error());
  (*user)->role = tenancy::role_name(role);
  auto v = view(tenant, **user);
  if (!v) return unexpected(v.error());
  return std::optional<UserView>{std::move(*v)};
}

Expected<bool> UserService::remove(std::uint64_t tenant, std::uint64_t id, Role actor,
                                   std::string_view by) {
  auto scope = WriteScope::begin(store_, contacts_, keys_);
  if (!scope) return unexpected(scope.error());
  auto user = scope->writes().user(tenant, id);
  if (!user) return unexpected(user.error());
  if (!*user) return false;
  const Role current = tenancy::parse_role((*user)->role).value_or(Role::viewer);
  if (!may_manage_role(actor, current)) {
    return unexpected(
        denied(std::string("a ") + role_label(actor) + " cannot remove a " + role_label(current)));
  }
  if (current == Role::owner) {
    auto owners = scope->writes().count_owners(tenant);
    if (!owners) return unexpected(owners.error());
    if (*owners <= 1) return fail(Errc::last_owner, "the tenant's last owner cannot be removed");
  }
  auto deleted = scope->writes().delete_user(tenant, id);
  if (!deleted) return unexpected(deleted.error());
  if (*deleted) {
    if (auto ok = record(scope->tx(), tenant, by, "user.removed", id,
                         fmt::format(R"({{"role":"{}"}})", tenancy::role_name(current)));
        !ok) {
      return unexpected(ok.error());
    }
  }
  if (auto ok = scope->commit(); !ok) return unexpected(ok.error());
  return *deleted;
}

Expected<std::optional<UserView>> UserService::verify(std::uint64_t tenant, std::string_view email,
                                                      std::string_view password) {
  auto keys = keys_.tenant(tenant);
  if (!keys) return unexpected(keys.error());
  const auto blind = crypto::blind_index((*keys)->index_key, "email:" + canonical_email(email));
  auto r = contacts_.user_by_email(tenant, blind);
  if (!r) return unexpected(r.error());
  // Verify even for an unknown email, so timing does not tell which emails exist.
  std::call_once(dummy_once_, [&] { dummy_hash_ = hashing_.hash("not a password of anyone"); });
  const bool ok = hashing_.verify(*r ? (*r)->password_hash : dummy_hash_, password);
  if (!*r || !ok || (*r)->disabled_at_ms) return std::optional<UserView>{};
  auto v = view(tenant, **r);
  if (!v) return unexpected(v.error());
  return std::optional<UserView>{std::move(*v)};
}

}  // namespace diskret::contacts
