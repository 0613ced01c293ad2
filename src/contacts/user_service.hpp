#pragma once
/// UserService: a tenant's portal users with roles owner, admin, sender, viewer. Emails are
/// personal data (sealed under the tenant key, found by blind index); passwords are
/// Argon2id hashes. Role changes obey may_manage_role (no escalation) and a tenant always
/// keeps an owner.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contacts/permissions.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "store/audit_trail.hpp"
#include "store/contact_store.hpp"
#include "store/key_ring.hpp"
#include "store/store.hpp"

namespace diskret::contacts {

inline constexpr std::size_t kMinPasswordChars = 12;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

struct UserView {
  std::uint64_t id = 0;
  std::string email;
  Role role = Role::viewer;
  SystemTime created_at;
  std::optional<SystemTime> disabled_at;
};

struct CreatedUser {
  UserView user;
  std::string initial_password;  ///< generated (shown once); empty when one was given
};

/// Reasons (nullopt = fine). Emails: one '@', a dotted domain, no blanks, <= 254 bytes.
std::optional<std::string> check_email(std::string_view email);
std::optional<std::string> check_password(std::string_view password);

/// How passwords are hashed and checked: Argon2id (crypto::hash_password) unless a test
/// needs something faster.
struct PasswordHashing {
  std::string (*hash)(std::string_view password) = nullptr;
  bool (*verify)(std::string_view hash, std::string_view password) = nullptr;
};

class UserService {
 public:
  UserService(store::Store& store, store::ContactStore& contacts, store::KeyRing& keys,
              const Clock& clock, PasswordHashing hashing = {});

  /// With a trail, every user added, role changed and user removed is appended to it in
  /// the transaction of the change (user.added, user.role_changed, user.removed), naming
  /// the user by id and the roles, never the email or a password. `by` of the calls below
  /// is the audit actor ("api_key:12", "operator:anna"); empty means "system:users".
  void set_audit(store::AuditTrail* trail) { audit_ = trail; }

  /// `actor` is the role of whoever asks (the CLI acts as owner). Without `password`, a
  /// random one is generated and returned once. Fails with Errc::permission_denied (role
  /// escalation), Errc::invalid_field (email, password) or diskret::Errc::already_exists.
  Expected<CreatedUser> create(std::uint64_t tenant, std::string_view email, Role role,
                               std::optional<std::string_view> password, Role actor,
                               std::string_view by = {});
  Expected<std::vector<UserView>> list(std::uint64_t tenant);
  Expected<std::optional<UserView>> get(std::uint64_t tenant, std::uint64_t id);
  /// nullopt when there is no such user; Errc::permission_denied or Errc::last_owner.
  Expected<std::optional<UserView>> change_role(std::uint64_t tenant, std::uint64_t id, Role role,
                                                Role actor, std::string_view by = {});
  Expected<bool> remove(std::uint64_t tenant, std::uint64_t id, Role actor,
                        std::string_view by = {});
  /// The enabled user with this email and password; nullopt for any mismatch.
  Expected<std::optional<UserView>> verify(std::uint64_t tenant, std::string_view email,
                                           std::string_view password);

 private:
  Expected<UserView> view(std::uint64_t tenant, const store::UserRecord& r);
  /// Appends `action` on user `id` to the trail (if any) inside `tx`.
  Expected<void> record(store::WriteTransaction& tx, std::uint64_t tenant, std::string_view by,
                        std::string_view action, std::uint64_t id, std::string details);

  store::Store& store_;
  store::ContactStore& contacts_;
  store::KeyRing& keys_;
  const Clock& clock_;
  PasswordHashing hashing_;
  store::AuditTrail* audit_ = nullptr;
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

}  // namespace diskret::contacts
