// Backups in multi-node mode: a real PostgreSQL is dumped with pg_dump, the dump sealed
// into an encrypted backup file, and restored with pg_restore, into a fresh database and
// over a database that changed since.
#include "backup/pg_dump.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "backup/backup_file.hpp"
#include "support/postgres_server.hpp"
#include "unit/backup/temp_dir.hpp"

namespace diskret::backup {
namespace {

using test::PostgresServer;

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class PgDumpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresServer::available()) GTEST_SKIP() << PostgresServer::missing_message();
    ASSERT_TRUE(pg_.running()) << pg_.error();
    db_ = pg_.create_database("src");
    ASSERT_FALSE(db_.empty()) << pg_.error();
    ASSERT_EQ(pg_.execute("CREATE TABLE people (id bigint PRIMARY KEY, sealed bytea NOT NULL, "
                          "note text NOT NULL);"
                          "INSERT INTO people VALUES (1, '\\x00ff10'::bytea, 'unique-note-7f3a'), "
                          "(2, '\\xdeadbeef'::bytea, 'second')",
                          db_),
              std::nullopt);
  }

  // Fails the test unless `db` holds exactly the two rows written in SetUp.
  void expect_original_rows(const std::string& db) {
    EXPECT_EQ(pg_.execute("DO $$ BEGIN "
                          "IF (SELECT count(*) FROM people) <> 2 THEN RAISE 'row count'; END IF; "
                          "IF (SELECT sealed FROM people WHERE id = 1) <> '\\x00ff10'::bytea "
                          "THEN RAISE 'bytes'; END IF; "
                          "IF (SELECT note FROM people WHERE id = 1) <> 'unique-note-7f3a' "
                          "THEN RAISE 'text'; END IF; END $$",
                          db),
              std::nullopt);
  }

  PostgresServer pg_;
  std::string db_;
  testing::TempDir dir_;
};

TEST_F(PgDumpTest, DumpSealRestoreIntoAFreshAndIntoAChangedDatabase) {
  // A stray PGDATABASE in the operator's environment must not redirect the dump.
  ::setenv("PGDATABASE", "postgres", 1);
  const auto dump = dir_ / "main.pgdump";
  ASSERT_TRUE(dump_postgresql(pg_.url(db_), dump)) << "pg_dump";
  ::unsetenv("PGDATABASE");
  struct stat st{};
  ASSERT_EQ(::stat(dump.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Sealed into a backup: the note is nowhere in the file.
  const BackupKey key{"bk1", crypto::SecretKey::generate()};
  SourceFile source{dump, BackupItem{"main.pgdump", "postgresql-main", 0, 7}};
  ASSERT_TRUE(write_backup(dir_ / "b.dkb", {source}, key, {1'700'000'000'000, "mk1", "test"}));
  EXPECT_EQ(read_all(dir_ / "b.dkb").find("unique-note-7f3a"), std::string::npos);
  std::filesystem::create_directories(dir_ / "out");
  auto extracted = extract_backup(dir_ / "b.dkb", dir_ / "out",
                                  [&](std::string_view) -> Expected<crypto::SecretKey> { return key.key; });
  ASSERT_TRUE(extracted) << extracted.error().message();
  ASSERT_EQ(extracted->files.size(), 1u);
  EXPECT_EQ(read_all(extracted->files[0]), read_all(dump));

  // Into a fresh database.
  const std::string fresh = pg_.create_database("fresh");
  ASSERT_TRUE(restore_postgresql(pg_.url(fresh), extracted->files[0]));
  expect_original_rows(fresh);

  // Over the source after it changed: the dump's state comes back, the later rows go.
  ASSERT_EQ(pg_.execute("INSERT INTO people VALUES (3, '\\x01', 'later'); "
                        "UPDATE people SET note = 'changed' WHERE id = 1",
                        db_),
            std::nullopt);
  ASSERT_TRUE(restore_postgresql(pg_.url(db_), extracted->files[0]));
  expect_original_rows(db_);
}

TEST_F(PgDumpTest, FailuresSayWhyAndLeaveTheDatabaseAlone) {
  // Not a dump: pg_restore refuses, in one transaction, so the database is untouched.
  testing::write_file(dir_ / "garbage", "not a dump at all");
  auto bad = restore_postgresql(pg_.url(db_), dir_ / "garbage");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("pg_restore failed"), std::string::npos) << bad.error().message();
  expect_original_rows(db_);

  // Nobody listens there: pg_dump's own reason, and never the password of the URL.
  const std::string url = "postgresql://diskret:s3cret-pw@127.0.0.1:1/" + db_;
  auto down = dump_postgresql(url, dir_ / "x.pgdump");
  ASSERT_FALSE(down);
  EXPECT_NE(down.error().message().find("pg_dump failed"), std::string::npos) << down.error().message();
  EXPECT_EQ(down.error().message().find("s3cret-pw"), std::string::npos);

  auto not_a_url = dump_postgresql("postgresql://[broken", dir_ / "y.pgdump");
  ASSERT_FALSE(not_a_url);
}

}  // namespace
}  // namespace diskret::backup
