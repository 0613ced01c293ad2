#include "contacts/permissions.hpp"

#include <gtest/gtest.h>

namespace diskret::contacts {
namespace {

constexpr Role kRoles[] = {Role::owner, Role::admin, Role::sender, Role::viewer};

std::vector<Permission> all_permissions() {
  std::vector<Permission> out;
  for (int i = 0; i < kPermissionCount; ++i) out.push_back(static_cast<Permission>(i));
  return out;
}

TEST(Permissions, EveryPermissionHasAName) {
  for (auto p : all_permissions()) EXPECT_STRNE(permission_name(p), "unknown");
}

TEST(Permissions, OwnerAndAdminMayDoEverything) {
  for (auto p : all_permissions()) {
    EXPECT_TRUE(allows(Role::owner, p)) << permission_name(p);
    EXPECT_TRUE(allows(Role::admin, p)) << permission_name(p);
  }
}

TEST(Permissions, ViewerOnlyReads) {
  for (auto p : all_permissions()) {
    EXPECT_EQ(allows(Role::viewer, p), p == Permission::read) << permission_name(p);
  }
  EXPECT_FALSE(allows(Role::viewer, Permission::send_messages));
  EXPECT_FALSE(allows(Role::viewer, Permission::export_data));
}

TEST(Permissions, SenderCannotManageKeysOrUsers) {
  EXPECT_TRUE(allows(Role::sender, Permission::read));
  EXPECT_TRUE(allows(Role::sender, Permission::send_messages));
  EXPECT_TRUE(allows(Role::sender, Permission::write_contacts));
  EXPECT_TRUE(allows(Role::sender, Permission::add_suppression));
  EXPECT_TRUE(allows(Role::sender, Permission::export_data));
  for (auto p : {Permission::manage_keys, Permission::manage_users, Permission::remove_suppression,
                 Permission::erase_data, Permission::manage_webhooks, Permission::manage_billing,
                 Permission::read_audit}) {
    EXPECT_FALSE(allows(Role::sender, p)) << permission_name(p);
  }
}

TEST(Permissions, RolesAreOrdered) {
  // A role never holds a permission that a higher role lacks.
  for (auto p : all_permissions()) {
    for (std::size_t hi = 0; hi < 4; ++hi) {
      for (std::size_t lo = hi + 1; lo < 4; ++lo) {
        if (allows(kRoles[lo], p)) {
          EXPECT_TRUE(allows(kRoles[hi], p)) << permission_name(p);
        }
      }
    }
  }
}

TEST(Permissions, ManagingRolesNeverEscalates) {
  for (auto r : kRoles) EXPECT_TRUE(may_manage_role(Role::owner, r)) << role_label(r);
  EXPECT_FALSE(may_manage_role(Role::admin, Role::owner));
  EXPECT_TRUE(may_manage_role(Role::admin, Role::admin));
  EXPECT_TRUE(may_manage_role(Role::admin, Role::sender));
  EXPECT_TRUE(may_manage_role(Role::admin, Role::viewer));
  for (auto r : kRoles) {
    EXPECT_FALSE(may_manage_role(Role::sender, r)) << role_label(r);
    EXPECT_FALSE(may_manage_role(Role::viewer, r)) << role_label(r);
  }
  // Whoever may manage a role may also hold its permissions.
  for (auto actor : kRoles) {
    for (auto target : kRoles) {
      if (!may_manage_role(actor, target)) continue;
      for (auto p : all_permissions()) {
        if (allows(target, p)) {
          EXPECT_TRUE(allows(actor, p));
        }
      }
    }
  }
}

TEST(Permissions, UnknownRoleValueGetsNothing) {
  const auto bogus = static_cast<Role>(42);
  for (auto p : all_permissions()) EXPECT_FALSE(allows(bogus, p));
  EXPECT_FALSE(may_manage_role(bogus, Role::viewer));
}

}  // namespace
}  // namespace diskret::contacts
