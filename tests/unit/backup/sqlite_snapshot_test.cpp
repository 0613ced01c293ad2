#include "backup/sqlite_snapshot.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <thread>

#include "backup/errc.hpp"
#include "unit/backup/temp_dir.hpp"

namespace diskret::backup {
namespace {

using testing::TempDir;
using testing::write_file;

struct Conn {
  explicit Conn(const std::filesystem::path& p) {
    EXPECT_EQ(sqlite3_open(p.c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
  }
  ~Conn() { sqlite3_close(db); }
  void exec(const std::string& sql) { ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db); }
  std::int64_t one(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
    std::int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    return v;
  }
  sqlite3* db = nullptr;
};

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Conn c(src_);
    c.exec("PRAGMA journal_mode=WAL");
    c.exec("CREATE TABLE schema_migrations(version INTEGER PRIMARY KEY)");
    c.exec("INSERT INTO schema_migrations VALUES (1),(22),(40)");
    c.exec("CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL, pad BLOB)");
    c.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<200) "
           "INSERT INTO accounts SELECT i, 1000, randomblob(300) FROM n");
  }
  TempDir dir_;
  std::filesystem::path src_ = dir_ / "diskret.db";
  std::filesystem::path dst_ = dir_ / "snap.db";
};

TEST_F(SnapshotTest, CopiesAndReadsSchemaVersion) {
  auto info = snapshot_sqlite(src_, dst_);
  ASSERT_TRUE(info.has_value()) << info.error().message();
  EXPECT_EQ(info->schema_version, 40);
  EXPECT_GT(info->pages, 10u);
  EXPECT_EQ(info->bytes, std::filesystem::file_size(dst_));
  Conn c(dst_);
  EXPECT_EQ(c.one("SELECT count(*) FROM accounts"), 200);
  struct stat st {};
  ASSERT_EQ(::stat(dst_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "snap.db-wal"));
  EXPECT_TRUE(check_sqlite(dst_).has_value());
}

// Transfers between accounts keep the total at 200,000 in every committed state; a copy
// that mixed two states would show another total.
TEST_F(SnapshotTest, IsConsistentWhileWritersCommit) {
  std::atomic<bool> stop{false};
  std::atomic<int> commits{0};
  std::thread writer([&] {
    Conn c(src_);
    for (int i = 0; !stop; ++i) {
      const int from = 1 + (i * 37) % 200;
      const int to = 1 + (i * 91 + 13) % 200;
      c.exec("BEGIN IMMEDIATE");
      c.exec("UPDATE accounts SET balance = balance - 7, pad = randomblob(300) WHERE id = " + std::to_string(from));
      c.exec("UPDATE accounts SET balance = balance + 7 WHERE id = " + std::to_string(to));
      c.exec("COMMIT");
      ++commits;
    }
  });
  while (commits < 20) std::this_thread::yield();
  for (int round = 0; round < 5; ++round) {
    const auto path = dir_ / ("snap" + std::to_string(round) + ".db");
    auto info = snapshot_sqlite(src_, path);
    ASSERT_TRUE(info.has_value()) << info.error().message();
    Conn c(path);
    EXPECT_EQ(c.one("SELECT sum(balance) FROM accounts"), 200'000);
  }
  const int before = commits;
  while (commits < before + 5) std::this_thread::yield();  // writers were never blocked for good
  stop = true;
  writer.join();
}

TEST_F(SnapshotTest, RefusesMissingSourceAndExistingDestination) {
  EXPECT_EQ(snapshot_sqlite(dir_ / "missing.db", dst_).error().code, Errc::snapshot_failed);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "missing.db"));
  EXPECT_FALSE(std::filesystem::exists(dst_));
  write_file(dst_, "x");
  EXPECT_EQ(snapshot_sqlite(src_, dst_).error().code, Errc::io_error);
}

TEST_F(SnapshotTest, EnsureUnusedSeesAnOpenConnection) {
  {
    Conn open_elsewhere(src_);
    EXPECT_EQ(open_elsewhere.one("SELECT count(*) FROM accounts"), 200);
    auto r = ensure_unused(src_);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::in_use);
  }
  EXPECT_TRUE(ensure_unused(src_).has_value());
  EXPECT_TRUE(ensure_unused(dir_ / "absent.db").has_value());
}

TEST_F(SnapshotTest, CheckRefusesGarbage) {
  write_file(dst_, std::string(8192, 'g'));
  EXPECT_EQ(check_sqlite(dst_).error().code, Errc::damaged);
}

}  // namespace
}  // namespace diskret::backup
