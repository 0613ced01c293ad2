// `diskret backup` in multi-node mode: privacy::create_postgresql_backup and
// restore_postgresql_backup on a real PostgreSQL, with the backup key from a key store.
#include <libpq-fe.h>

#include <fstream>
#include <iterator>
#include <memory>

#include <gtest/gtest.h>

#include "backup/backup_file.hpp"
#include "backup/errc.hpp"
#include "core/clock.hpp"
#include "privacy/backups.hpp"
#include "support/postgres_server.hpp"
#include "unit/privacy/privacy_fixture.hpp"

namespace diskret::privacy {
namespace {

using test::PostgresServer;

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class PgBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresServer::available()) GTEST_SKIP() << PostgresServer::missing_message();
    ASSERT_TRUE(pg_.running()) << pg_.error();
    db_ = pg_.create_database("main");
    ASSERT_FALSE(db_.empty()) << pg_.error();
    ASSERT_EQ(pg_.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY);"
                          "INSERT INTO schema_migrations VALUES (1), (120);"
                          "CREATE TABLE messages (id bigint PRIMARY KEY, payload bytea, note text);"
                          "INSERT INTO messages VALUES (7, '\\x0102'::bytea, 'plain-marker-91c2')",
                          db_),
              std::nullopt);
    process_ = std::make_unique<testing::Process>(dir_, clock_);
  }

  Expected<BackupCreated> create(const std::filesystem::path& out) {
    return create_postgresql_backup(out, pg_.url(db_), *process_->services, "mk", clock_);
  }
  bool has_original_row() {
    return !pg_.execute("DO $$ BEGIN IF (SELECT note FROM messages WHERE id = 7) IS DISTINCT FROM "
                        "'plain-marker-91c2' OR (SELECT count(*) FROM messages) <> 1 THEN RAISE "
                        "'differs'; END IF; END $$",
                        db_);
  }

  PostgresServer pg_;
  std::string db_;
  FakeClock clock_;
  testing::TempDir dir_;
  std::unique_ptr<testing::Process> process_;
};

TEST_F(PgBackupTest, CreatesAnEncryptedDumpAndRestoresItWhenNoNodeIsConnected) {
  const auto file = dir_.path() / "pg.dkb";
  auto created = create(file);
  ASSERT_TRUE(created) << created.error().message();
  ASSERT_EQ(created->header.items.size(), 1u);
  EXPECT_EQ(created->header.items[0].kind, "postgresql-main");
  EXPECT_EQ(created->header.items[0].schema_version, 120);
  EXPECT_EQ(read_all(file).find("plain-marker-91c2"), std::string::npos);
  // Nothing plain is left beside the backup.
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().filename().string().rfind(".diskret-", 0), std::string::npos) << entry.path();
  }

  ASSERT_EQ(pg_.execute("DELETE FROM messages; INSERT INTO messages VALUES (8, NULL, 'later')", db_),
            std::nullopt);
  {
    // A node still connected: refused, nothing changed.
    std::unique_ptr<PGconn, decltype(&PQfinish)> node(PQconnectdb(pg_.url(db_).c_str()), &PQfinish);
    ASSERT_EQ(PQstatus(node.get()), CONNECTION_OK);
    auto busy = restore_postgresql_backup(file, pg_.url(db_), *process_->services, 200);
    ASSERT_FALSE(busy);
    EXPECT_EQ(busy.error().code, make_error_code(backup::Errc::in_use));
    EXPECT_FALSE(has_original_row());
  }
  // Made by a newer diskret (schema 120 > 100): refused.
  auto newer = restore_postgresql_backup(file, pg_.url(db_), *process_->services, 100);
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code, make_error_code(backup::Errc::incompatible));

  auto restored = restore_postgresql_backup(file, pg_.url(db_), *process_->services, 200);
  ASSERT_TRUE(restored) << restored.error().message();
  EXPECT_TRUE(has_original_row());
}

TEST_F(PgBackupTest, ABackupRestoresOnlyIntoTheStoreKindItWasMadeOf) {
  const auto pg_file = dir_.path() / "pg.dkb";
  ASSERT_TRUE(create(pg_file));
  auto into_sqlite = restore_backup(pg_file, dir_.path() / "restored.db", *process_->services, 200, clock_);
  ASSERT_FALSE(into_sqlite);
  EXPECT_EQ(into_sqlite.error().code, make_error_code(backup::Errc::incompatible));

  const auto sqlite_file = dir_.path() / "sqlite.dkb";
  ASSERT_TRUE(create_backup(sqlite_file, dir_.path() / "diskret.db", *process_->services, "mk", clock_));
  auto into_pg = restore_postgresql_backup(sqlite_file, pg_.url(db_), *process_->services, 200);
  ASSERT_FALSE(into_pg);
  EXPECT_EQ(into_pg.error().code, make_error_code(backup::Errc::incompatible));
  EXPECT_TRUE(has_original_row());
}

}  // namespace
}  // namespace diskret::privacy
