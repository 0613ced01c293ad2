#include "portal/session_store.hpp"

#include <gtest/gtest.h>

namespace diskret::portal {
namespace {

using namespace std::chrono_literals;

tenancy::Principal user(std::uint64_t tenant, std::uint64_t id,
                        tenancy::Role role = tenancy::Role::sender) {
  tenancy::Principal p;
  p.tenant = tenancy::TenantId{tenant};
  p.tenant_public_id = "tn_" + std::to_string(tenant);
  p.role = role;
  p.user_id = id;
  return p;
}

TEST(SessionStore, ResolvesToTheUsersRoleAndChecksCsrf) {
  FakeClock clock;
  SessionStore store(clock);
  auto s = store.create(user(1, 7, tenancy::Role::viewer), "v@example.com");
  EXPECT_GE(s.token.size(), 40u);
  EXPECT_NE(s.token, s.csrf);
  auto read = store.resolve_session(s.token, std::nullopt);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->role, tenancy::Role::viewer);
  EXPECT_EQ(read->user_id, 7u);
  EXPECT_EQ(read->api_key_id, 0u);
  EXPECT_TRUE(store.resolve_session(s.token, std::string_view(s.csrf)));
  auto bad = store.resolve_session(s.token, std::string_view("nope"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::permission_denied);
  auto empty = store.resolve_session(s.token, std::string_view(""));
  EXPECT_FALSE(empty);
  auto unknown = store.resolve_session("not-a-session", std::nullopt);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

TEST(SessionStore, EndsAfterIdleTimeUnlessUsed) {
  FakeClock clock;
  SessionStore store(clock, {30min, 12h});
  auto s = store.create(user(1, 7), "a@example.com");
  clock.advance(29min);
  EXPECT_TRUE(store.resolve_session(s.token, std::nullopt));  // use renews the idle time
  clock.advance(29min);
  EXPECT_TRUE(store.resolve_session(s.token, std::nullopt));
  clock.advance(31min);
  EXPECT_FALSE(store.resolve_session(s.token, std::nullopt));
  EXPECT_EQ(store.open_sessions(), 0u);
}

TEST(SessionStore, EndsAfterLifetimeEvenWhenUsed) {
  FakeClock clock;
  SessionStore store(clock, {30min, 1h});
  auto s = store.create(user(1, 7), "a@example.com");
  for (int i = 0; i < 5; ++i) {
    clock.advance(11min);
    EXPECT_TRUE(store.resolve_session(s.token, std::nullopt)) << i;
  }
  clock.advance(6min);
  EXPECT_FALSE(store.resolve_session(s.token, std::nullopt));
}

TEST(SessionStore, LogoutEverywhereEndsOnlyThatUsersSessions) {
  FakeClock clock;
  SessionStore store(clock);
  auto a1 = store.create(user(1, 7), "a@example.com");
  auto a2 = store.create(user(1, 7), "a@example.com");
  auto other_user = store.create(user(1, 8), "b@example.com");
  auto other_tenant = store.create(user(2, 7), "c@example.com");
  EXPECT_EQ(store.end_all(1, 7), 2u);
  EXPECT_FALSE(store.resolve_session(a1.token, std::nullopt));
  EXPECT_FALSE(store.resolve_session(a2.token, std::nullopt));
  EXPECT_TRUE(store.resolve_session(other_user.token, std::nullopt));
  EXPECT_TRUE(store.resolve_session(other_tenant.token, std::nullopt));
  EXPECT_TRUE(store.end(other_user.token));
  EXPECT_FALSE(store.end(other_user.token));
  EXPECT_FALSE(store.resolve_session(other_user.token, std::nullopt));
}

TEST(SessionStore, FollowsTheUsersRoleAndEndsWhenTheUserIsGone) {
  FakeClock clock;
  SessionStore store(clock, {30min, 12h, 30s});
  std::optional<tenancy::Role> current = tenancy::Role::admin;
  bool database_up = true;
  int lookups = 0;
  store.set_user_check([&](std::uint64_t tenant, std::uint64_t user)
                           -> Expected<std::optional<tenancy::Role>> {
    EXPECT_EQ(tenant, 1u);
    EXPECT_EQ(user, 7u);
    ++lookups;
    if (!database_up) return fail(Errc::unavailable, "down");
    return current;
  });
  auto s = store.create(user(1, 7, tenancy::Role::admin), "a@example.com");
  current = tenancy::Role::viewer;  // demoted
  EXPECT_EQ(store.resolve_session(s.token, std::nullopt)->role, tenancy::Role::admin)
      << "not looked up again within the recheck interval";
  EXPECT_EQ(lookups, 0);
  clock.advance(31s);
  EXPECT_EQ(store.resolve_session(s.token, std::nullopt)->role, tenancy::Role::viewer);
  EXPECT_EQ(lookups, 1);
  database_up = false;
  clock.advance(31s);
  EXPECT_TRUE(store.resolve_session(s.token, std::nullopt)) << "a failing lookup keeps the session";
  database_up = true;
  current = std::nullopt;  // removed
  clock.advance(31s);
  EXPECT_FALSE(store.resolve_session(s.token, std::nullopt));
  EXPECT_EQ(store.open_sessions(), 0u);
}

}  // namespace
}  // namespace diskret::portal
