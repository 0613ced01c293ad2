// Portal sessions and the login throttle kept in the main SQLite database: a second
// SessionStore / LoginThrottle on the same file stands for the server after a restart.
#include <gtest/gtest.h>

#include "../store/store_fixture.hpp"
#include "portal/login_throttle.hpp"
#include "portal/session_store.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace diskret::portal {
namespace {

using namespace std::chrono_literals;
using store::testing::StoreFixture;
using store::testing::TempDir;

tenancy::Principal user(std::uint64_t tenant, std::uint64_t id, tenancy::Role role) {
  tenancy::Principal p;
  p.tenant = tenancy::TenantId{tenant};
  p.tenant_public_id = "tn_" + std::to_string(tenant);
  p.role = role;
  p.user_id = id;
  return p;
}

class PortalPersistence : public ::testing::Test {
 protected:
  store::sqlite::SqliteDb connection() {
    auto db = store::sqlite::SqliteDb::open_beside(dir_.path() / "diskret.db", 5000ms);
    if (!db) throw std::runtime_error(db.error().message());
    return std::move(*db);
  }
  std::int64_t count(std::string_view sql) {
    auto db = connection();
    auto n = db.query_int(sql);
    if (!n) throw std::runtime_error(n.error().message());
    return *n;
  }
  /// A store as serve builds it after a (re)start.
  std::unique_ptr<SessionStore> sessions(SessionOptions o = {30min, 12h, 30s}) {
    auto s = std::make_unique<SessionStore>(fixture_.clock, o);
    s->persist_in(connection(), [this](std::uint64_t, std::uint64_t user)
                                    -> Expected<std::optional<std::string>> {
      if (gone_) return std::optional<std::string>{};
      return std::optional<std::string>{"u" + std::to_string(user) + "@example.com"};
    });
    return s;
  }

  TempDir dir_;
  StoreFixture fixture_{dir_};
  bool gone_ = false;
};

TEST_F(PortalPersistence, SessionSurvivesARestartWithItsCsrfTokenAndStoresOnlyHashes) {
  auto before = sessions();
  auto s = before->create(user(1, 7, tenancy::Role::admin), "u7@example.com");
  before.reset();
  EXPECT_EQ(count("SELECT count(*) FROM portal_sessions"), 1);
  EXPECT_EQ(count(("SELECT count(*) FROM portal_sessions WHERE token_hash = '" + s.token +
                   "' OR token_hash = '" + s.csrf + "'")
                      .c_str()),
            0)
      << "neither token is stored in the clear";

  auto after = sessions();
  auto p = after->resolve_session(s.token, std::string_view(s.csrf));
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->tenant.value, 1u);
  EXPECT_EQ(p->tenant_public_id, "tn_1");
  EXPECT_EQ(p->user_id, 7u);
  EXPECT_EQ(p->role, tenancy::Role::admin);
  auto info = after->info(s.token);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->email, "u7@example.com");
  EXPECT_EQ(info->csrf, s.csrf);
  EXPECT_FALSE(after->resolve_session(s.token, std::string_view("wrong")));
  EXPECT_FALSE(after->resolve_session("not-a-session", std::nullopt));
}

TEST_F(PortalPersistence, IdleAndAbsoluteTimeoutsHoldAcrossARestart) {
  auto idle = sessions()->create(user(1, 7, tenancy::Role::sender), "u7@example.com");
  auto used = sessions()->create(user(1, 8, tenancy::Role::sender), "u8@example.com");
  {
    auto running = sessions();
    for (int i = 0; i < 3; ++i) {
      fixture_.clock.advance(20min);
      ASSERT_TRUE(running->resolve_session(used.token, std::nullopt)) << i;
    }
  }
  // 60 min after login: `idle` was never used (idle 30 min), `used` was 0 min ago.
  auto restarted = sessions();
  EXPECT_FALSE(restarted->resolve_session(idle.token, std::nullopt));
  EXPECT_TRUE(restarted->resolve_session(used.token, std::nullopt))
      << "the last use was stored, so the idle time did not count from the login";
  EXPECT_EQ(count("SELECT count(*) FROM portal_sessions"), 1) << "the expired row is deleted";

  // Absolute lifetime: used every 20 minutes across restarts, it still ends after 12 h.
  for (int i = 0; i < 32; ++i) {  // up to 11 h 40 min
    fixture_.clock.advance(20min);
    ASSERT_TRUE(sessions()->resolve_session(used.token, std::nullopt)) << i;
  }
  fixture_.clock.advance(20min);  // 12 h 00 min after login
  EXPECT_FALSE(sessions()->resolve_session(used.token, std::nullopt));
  EXPECT_EQ(count("SELECT count(*) FROM portal_sessions"), 0);
}

TEST_F(PortalPersistence, ExpiredRowsAreSweptAtStart) {
  auto s = sessions();
  s->create(user(1, 7, tenancy::Role::sender), "u7@example.com");
  s->create(user(1, 8, tenancy::Role::sender), "u8@example.com");
  s.reset();
  fixture_.clock.advance(31min);
  auto restarted = sessions();
  EXPECT_EQ(count("SELECT count(*) FROM portal_sessions"), 0);
}

TEST_F(PortalPersistence, LogoutEverywhereDeletesSessionsNotYetSeenSinceTheRestart) {
  auto before = sessions();
  auto a1 = before->create(user(1, 7, tenancy::Role::sender), "u7@example.com");
  auto a2 = before->create(user(1, 7, tenancy::Role::sender), "u7@example.com");
  auto other = before->create(user(1, 8, tenancy::Role::sender), "u8@example.com");
  before.reset();
  auto after = sessions();
  ASSERT_TRUE(after->resolve_session(a1.token, std::nullopt));
  EXPECT_EQ(after->end_all(1, 7), 2u);
  EXPECT_FALSE(after->resolve_session(a2.token, std::nullopt));
  EXPECT_FALSE(sessions()->resolve_session(a1.token, std::nullopt));
  EXPECT_TRUE(sessions()->resolve_session(other.token, std::nullopt));
  EXPECT_TRUE(after->end(other.token));
  EXPECT_FALSE(sessions()->resolve_session(other.token, std::nullopt));
  EXPECT_EQ(count("SELECT count(*) FROM portal_sessions"), 0);
}

TEST_F(PortalPersistence, ARemovedUsersStoredSessionDoesNotComeBack) {
  auto s = sessions()->create(user(1, 7, tenancy::Role::sender), "u7@example.com");
  gone_ = true;
  EXPECT_FALSE(sessions()->resolve_session(s.token, std::nullopt));
  EXPECT_EQ(count("SELECT count(*) FROM portal_sessions"), 0);
}

TEST_F(PortalPersistence, LoginThrottleSurvivesARestartAndStoresNoEmailsOrAddresses) {
  const ThrottleOptions o{3, 100, 30s, 300s};
  {
    LoginThrottle throttle(fixture_.clock, o);
    throttle.persist_in(connection());
    for (int i = 0; i < 3; ++i) throttle.failed("tn_1\na@example.com", "192.0.2.1");
    EXPECT_EQ(throttle.wait("tn_1\na@example.com", "192.0.2.9"), 30s);
    throttle.failed("tn_1\nb@example.com", "192.0.2.1");  // one failure: not locked yet
  }
  EXPECT_EQ(count("SELECT count(*) FROM portal_login_failures WHERE key_hash LIKE '%example%' "
                  "OR key_hash LIKE '%192.0.2%'"),
            0);
  fixture_.clock.advance(10s);
  LoginThrottle restarted(fixture_.clock, o);
  restarted.persist_in(connection());
  EXPECT_EQ(restarted.wait("tn_1\na@example.com", "192.0.2.9"), 20s) << "still locked";
  fixture_.clock.advance(20s);
  EXPECT_EQ(restarted.wait("tn_1\na@example.com", "192.0.2.9").count(), 0);
  restarted.failed("tn_1\na@example.com", "192.0.2.9");
  EXPECT_EQ(restarted.wait("tn_1\na@example.com", "192.0.2.9"), 60s) << "the count went on";
  restarted.failed("tn_1\nb@example.com", "192.0.2.9");
  restarted.failed("tn_1\nb@example.com", "192.0.2.9");
  EXPECT_EQ(restarted.wait("tn_1\nb@example.com", "192.0.2.9"), 30s)
      << "its first failure was remembered";
  restarted.succeeded("tn_1\na@example.com");
  LoginThrottle again(fixture_.clock, o);
  again.persist_in(connection());
  EXPECT_EQ(again.wait("tn_1\na@example.com", "192.0.2.50").count(), 0) << "success cleared it";
  EXPECT_EQ(again.wait("tn_1\nb@example.com", "192.0.2.50"), 30s);
}

TEST_F(PortalPersistence, StaleUnlockedFailuresAreDroppedAtStart) {
  {
    LoginThrottle throttle(fixture_.clock, {3, 100, 30s, 300s});
    throttle.persist_in(connection());
    throttle.failed("tn_1\na@example.com", "192.0.2.1");
  }
  EXPECT_EQ(count("SELECT count(*) FROM portal_login_failures"), 2);
  fixture_.clock.advance(25h);
  LoginThrottle restarted(fixture_.clock, {3, 100, 30s, 300s});
  restarted.persist_in(connection());
  EXPECT_EQ(count("SELECT count(*) FROM portal_login_failures"), 0);
}

}  // namespace
}  // namespace diskret::portal
