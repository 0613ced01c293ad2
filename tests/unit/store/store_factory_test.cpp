#include <gtest/gtest.h>

#include "store/store_factory.hpp"
#include "unit/store/store_fixture.hpp"

namespace diskret::store {
namespace {

TEST(StoreFactory, UrlSchemeSelectsTheBackend) {
  EXPECT_EQ(*backend_of("sqlite:var/diskret.db"), Backend::sqlite);
  EXPECT_EQ(*backend_of("postgresql://diskret@db:5432/diskret"), Backend::postgresql);
  EXPECT_EQ(*backend_of("postgres://db/diskret"), Backend::postgresql);
  for (const char* bad : {"mysql://db/x", "", "var/diskret.db", "sqlite"}) {
    auto b = backend_of(bad);
    ASSERT_FALSE(b) << bad;
    EXPECT_EQ(b.error().code, make_error_code(Errc::invalid_argument));
  }
}

TEST(StoreFactory, OpensAndMigratesSqliteAsASingleNode) {
  testing::TempDir dir;
  FakeClock clock;
  auto store = open_store("sqlite:" + (dir.path() / "diskret.db").string(), dir.path(), clock);
  ASSERT_TRUE(store) << store.error().message();
  EXPECT_EQ((*store)->claims(), nullptr);  // one process owns every message
  EXPECT_EQ(*(*store)->max_message_id(), 0u);  // the schema is there
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "keys.db"));
}

// Nothing listens there: unavailable (retry later), not a configuration error.
TEST(StoreFactory, UnreachablePostgresqlIsUnavailable) {
  FakeClock clock;
  auto store = open_store("postgresql://diskret@127.0.0.1:1/diskret?connect_timeout=2", "var", clock);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, make_error_code(Errc::unavailable));
}

}  // namespace
}  // namespace diskret::store
