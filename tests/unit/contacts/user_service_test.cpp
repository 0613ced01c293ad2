#include "contacts/user_service.hpp"

#include <gtest/gtest.h>

#include "contacts/errc.hpp"
#include "store/sqlite/sqlite_audit_trail.hpp"
#include "unit/contacts/service_fixture.hpp"

namespace diskret::contacts {
namespace {

using testing::Services;

TEST(Users, CreateWithGeneratedPasswordAndVerify) {
  Services s;
  auto u = s.users.create(s.a, " Anna@Example.com ", Role::owner, std::nullopt, Role::owner);
  ASSERT_TRUE(u) << u.error().message();
  EXPECT_EQ(u->user.email, "anna@example.com");
  EXPECT_EQ(u->user.role, Role::owner);
  EXPECT_GE(u->initial_password.size(), 20u);
  auto ok = s.users.verify(s.a, "ANNA@example.com", u->initial_password);
  ASSERT_TRUE(ok && *ok);
  EXPECT_EQ((*ok)->id, u->user.id);
  EXPECT_FALSE(*s.users.verify(s.a, "anna@example.com", "wrong password!"));
  EXPECT_FALSE(*s.users.verify(s.b, "anna@example.com", u->initial_password));
}

TEST(Users, Argon2idPasswords) {
  Services s;
  UserService real(*s.fx.store, s.store, *s.fx.keys, s.fx.clock);
  auto u = real.create(s.a, "anna@example.com", Role::admin, "correct horse battery", Role::owner);
  ASSERT_TRUE(u) << u.error().message();
  auto stored = s.store.user(s.a, u->user.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_TRUE((*stored)->password_hash.starts_with("$argon2id$"));
  EXPECT_EQ((*stored)->password_hash.find("correct horse"), std::string::npos);
  EXPECT_TRUE(*real.verify(s.a, "anna@example.com", "correct horse battery"));
  EXPECT_FALSE(*real.verify(s.a, "anna@example.com", "correct horse battery!"));
  EXPECT_FALSE(*real.verify(s.a, "nobody@example.com", "correct horse battery"));
}

TEST(Users, GivenPasswordIsCheckedAndNotEchoed) {
  Services s;
  auto weak = s.users.create(s.a, "a@example.com", Role::viewer, "short", Role::owner);
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().code, Errc::invalid_field);
  auto u = s.users.create(s.a, "a@example.com", Role::viewer, "a long enough secret", Role::owner);
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->initial_password.empty());
  EXPECT_TRUE(*s.users.verify(s.a, "a@example.com", "a long enough secret"));
}

TEST(Users, EmailIsUniquePerTenantAndEncrypted) {
  Services s;
  ASSERT_TRUE(s.users.create(s.a, "anna@example.com", Role::admin, std::nullopt, Role::owner));
  auto dup = s.users.create(s.a, "ANNA@example.com", Role::viewer, std::nullopt, Role::owner);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, diskret::Errc::already_exists);
  EXPECT_TRUE(s.users.create(s.b, "anna@example.com", Role::viewer, std::nullopt, Role::owner));
  s.fx.store.reset();
  for (const char* file : {"diskret.db", "diskret.db-wal"}) {
    EXPECT_EQ(store::testing::read_file(s.dir.path() / file).find("anna@example"),
              std::string::npos);
  }
}

TEST(Users, InvalidEmails) {
  for (const char* bad : {"", "anna", "@example.com", "anna@", "anna@example", "a@b@c.de",
                          "anna @example.com", "anna@.com"}) {
    EXPECT_TRUE(check_email(bad)) << bad;
  }
  EXPECT_FALSE(check_email("anna.m@mail.example.de"));
}

TEST(Users, NoRoleEscalation) {
  Services s;
  auto r = s.users.create(s.a, "x@example.com", Role::owner, std::nullopt, Role::admin);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::permission_denied);
  for (auto actor : {Role::sender, Role::viewer}) {
    auto v = s.users.create(s.a, "y@example.com", Role::viewer, std::nullopt, actor);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, Errc::permission_denied);
  }
  auto owner = *s.users.create(s.a, "o@example.com", Role::owner, std::nullopt, Role::owner);
  auto second = *s.users.create(s.a, "p@example.com", Role::owner, std::nullopt, Role::owner);
  auto admin = *s.users.create(s.a, "a@example.com", Role::admin, std::nullopt, Role::owner);
  // An admin can neither demote nor remove an owner, nor make itself one.
  EXPECT_FALSE(s.users.change_role(s.a, owner.user.id, Role::viewer, Role::admin));
  EXPECT_FALSE(s.users.remove(s.a, owner.user.id, Role::admin));
  EXPECT_FALSE(s.users.change_role(s.a, admin.user.id, Role::owner, Role::admin));
  // An admin may change an admin into a sender.
  auto changed = s.users.change_role(s.a, admin.user.id, Role::sender, Role::admin);
  ASSERT_TRUE(changed && *changed);
  EXPECT_EQ((*changed)->role, Role::sender);
  // The last owner stays.
  ASSERT_TRUE(*s.users.remove(s.a, second.user.id, Role::owner));
  auto last = s.users.change_role(s.a, owner.user.id, Role::admin, Role::owner);
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().code, Errc::last_owner);
  auto gone = s.users.remove(s.a, owner.user.id, Role::owner);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Errc::last_owner);
}

TEST(Users, TenantScoped) {
  Services s;
  auto u = *s.users.create(s.a, "anna@example.com", Role::sender, std::nullopt, Role::owner);
  EXPECT_FALSE(*s.users.get(s.b, u.user.id));
  EXPECT_FALSE(*s.users.change_role(s.b, u.user.id, Role::admin, Role::owner));
  EXPECT_FALSE(*s.users.remove(s.b, u.user.id, Role::owner));
  EXPECT_TRUE(s.users.list(s.b)->empty());
  EXPECT_EQ(s.users.list(s.a)->size(), 1u);
  EXPECT_EQ((*s.users.get(s.a, u.user.id))->role, Role::sender);
}

// Users added, roles changed and users removed land in the tenant's audit trail, with the
// caller as actor and neither the email nor a password.
TEST(Users, ChangesAreAuditedWithoutEmailOrPassword) {
  Services s;
  store::sqlite::SqliteAuditTrail trail(*s.fx.store);
  s.users.set_audit(&trail);
  auto u = s.users.create(s.a, "anna@example.com", Role::viewer, "a long enough secret",
                          Role::owner, "api_key:7");
  ASSERT_TRUE(u) << u.error().message();
  ASSERT_TRUE(s.users.create(s.a, "bert@example.com", Role::owner, std::nullopt, Role::owner,
                             "operator:ops"));
  ASSERT_TRUE(s.users.change_role(s.a, u->user.id, Role::admin, Role::owner, "api_key:7"));
  ASSERT_TRUE(s.users.change_role(s.a, u->user.id, Role::admin, Role::owner, "api_key:7"));
  auto refused = s.users.change_role(s.a, u->user.id, Role::owner, Role::admin, "api_key:8");
  ASSERT_FALSE(refused);  // an admin cannot make an owner: nothing recorded
  ASSERT_TRUE(*s.users.remove(s.a, u->user.id, Role::owner, "api_key:7"));

  auto events = trail.events(s.a, 0, 100);
  ASSERT_TRUE(events) << events.error().message();
  ASSERT_EQ(events->size(), 4u);  // newest first; the unchanged role is not a change
  const std::string object = "user:" + std::to_string(u->user.id);
  EXPECT_EQ((*events)[3].action, "user.added");
  EXPECT_EQ((*events)[3].actor, "api_key:7");
  EXPECT_EQ((*events)[3].object, object);
  EXPECT_EQ((*events)[3].details, R"({"role":"viewer"})");
  EXPECT_EQ((*events)[2].action, "user.added");
  EXPECT_EQ((*events)[2].actor, "operator:ops");
  EXPECT_EQ((*events)[1].action, "user.role_changed");
  EXPECT_EQ((*events)[1].details, R"({"from":"viewer","to":"admin"})");
  EXPECT_EQ((*events)[0].action, "user.removed");
  EXPECT_EQ((*events)[0].object, object);
  for (const auto& e : *events) {
    EXPECT_EQ(e.tenant_id, s.a);
    for (const std::string& field : {e.object, e.details, e.actor}) {
      EXPECT_EQ(field.find("example.com"), std::string::npos) << field;
      EXPECT_EQ(field.find("secret"), std::string::npos) << field;
    }
  }
  EXPECT_TRUE(trail.events(s.b, 0, 100)->empty());
}

}  // namespace
}  // namespace diskret::contacts
