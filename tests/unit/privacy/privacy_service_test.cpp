#include "privacy/privacy_service.hpp"

#include <gtest/gtest.h>

#include "unit/privacy/privacy_stack.hpp"

namespace diskret::privacy {
namespace {

using testing::must;
using testing::Stack;
using testing::TempDir;

constexpr const char* kAnna = "+4915112345678";

// The server keeps a subject key in memory; `diskret privacy erase` in another process
// destroys it in the key store; the server's watcher drops its copy.
TEST(PrivacyService, ForgetsKeysThatAnotherProcessDestroyed) {
  TempDir dir;
  FakeClock clock;
  Stack server(dir, clock);
  const auto tenant = server.p.create_tenant("tn_a");
  const auto id = server.send(tenant, kAnna, "hallo");
  PrivacyService service(server.context());
  ASSERT_TRUE(service.prepare().has_value());
  const auto subject = *must(server.p.store->message(tenant, id))->subject_id;
  ASSERT_TRUE(server.p.keys->subject_key(tenant, subject).has_value());  // cached

  Stack cli(dir, clock);
  must(cli.eraser->erase(tenant, kAnna, "operator:cli"));
  EXPECT_TRUE(server.p.keys->subject_key(tenant, subject).has_value()) << "still in memory";
  EXPECT_EQ(must(service.watch_once()), 1u);
  auto gone = server.p.keys->subject_key(tenant, subject);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code, diskret::Errc::not_found);
  EXPECT_EQ(must(service.watch_once()), 0u);
}

TEST(PrivacyService, ForgetsOffboardedTenants) {
  TempDir dir;
  FakeClock clock;
  Stack server(dir, clock);
  const auto tenant = server.p.create_tenant("tn_a");
  ASSERT_TRUE(server.p.keys->tenant(tenant).has_value());
  PrivacyService service(server.context());
  ASSERT_TRUE(service.prepare().has_value());
  Stack cli(dir, clock);
  must(cli.eraser->offboard(tenant, "operator:cli"));
  EXPECT_EQ(must(service.watch_once()), 1u);
  EXPECT_FALSE(server.p.keys->tenant(tenant).has_value());
}

TEST(PrivacyService, StopSignsEveryChain) {
  TempDir dir;
  FakeClock clock;
  Stack s(dir, clock);
  const auto tenant = s.p.create_tenant("tn_a");
  must(s.exporter->collect(tenant, kAnna, "operator:test"));
  {
    PrivacyService service(s.context(), {std::chrono::milliseconds(5), std::chrono::hours(1), std::chrono::hours(1)});
    ASSERT_TRUE(service.prepare().has_value());
    service.start();
    service.stop();
  }
  auto anchors = must(s.p.vault->anchors());
  ASSERT_EQ(anchors.size(), 1u);
  EXPECT_EQ(anchors[0].tenant_id, tenant);
  EXPECT_TRUE(must(s.audit->verify()).ok());
}

}  // namespace
}  // namespace diskret::privacy
