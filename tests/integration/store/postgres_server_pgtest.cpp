#include <gtest/gtest.h>

#include <filesystem>

#include "support/postgres_server.hpp"

namespace diskret::test {
namespace {

// The fixture itself: a server starts, serves SQL on its loopback port, survives a restart
// with its data, and leaves nothing behind.
TEST(PostgresServer, StartsServesRestartsAndCleansUp) {
  if (!PostgresServer::available()) GTEST_SKIP() << PostgresServer::missing_message();
  std::filesystem::path dir;
  {
    PostgresServer pg;
    ASSERT_TRUE(pg.running()) << pg.error();
    const std::string db = pg.create_database();
    ASSERT_FALSE(db.empty()) << pg.error();
    ASSERT_EQ(pg.execute("CREATE TABLE t (v int); INSERT INTO t VALUES (42)", db), std::nullopt);
    ASSERT_TRUE(pg.stop());
    EXPECT_NE(pg.execute("SELECT 1", db), std::nullopt);  // down: connecting fails
    ASSERT_TRUE(pg.start()) << pg.error();
    EXPECT_EQ(pg.execute("DO $$ BEGIN IF (SELECT v FROM t) <> 42 THEN RAISE 'lost'; END IF; END $$", db),
              std::nullopt);
    EXPECT_NE(pg.execute("SELECT nonsense FROM nowhere", db), std::nullopt);
    // The server only listens on loopback: the URL names 127.0.0.1.
    EXPECT_NE(pg.url(db).find("@127.0.0.1:"), std::string::npos);
    dir = pg.directory();
    EXPECT_TRUE(std::filesystem::exists(dir));
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
}

}  // namespace
}  // namespace diskret::test
