#include <gtest/gtest.h>

#include <sqlite3.h>

#include "crypto/secret_box.hpp"
#include "store/sqlite/migrations.hpp"
#include "unit/store/store_contract.hpp"
#include "unit/store/store_fixture.hpp"

namespace diskret::store {
namespace {

using testing::sample_message;
using testing::StoreBackend;
using testing::StoreBackendParam;
using testing::StoreContract;
using testing::StoreFixture;
using testing::TempDir;

// The store contract (store_contract_test.cpp) on SQLite: two files in a temporary directory.
class SqliteBackend final : public StoreBackend {
 public:
  std::unique_ptr<Store> open(const Clock& clock) override {
    sqlite::SqliteOptions o;
    o.main_path = dir_.path() / "diskret.db";
    o.keys_path = dir_.path() / "keys.db";
    o.fsync = false;  // nothing here tests power loss
    auto s = sqlite::SqliteStore::open(o, clock);
    if (!s) throw std::runtime_error(s.error().message());
    if (auto ok = (*s)->migrate(); !ok) throw std::runtime_error(ok.error().message());
    return std::move(*s);
  }

 private:
  TempDir dir_;
};

INSTANTIATE_TEST_SUITE_P(
    Sqlite, StoreContract,
    ::testing::Values(StoreBackendParam{"Sqlite", [] { return std::make_unique<SqliteBackend>(); }}),
    testing::backend_name);

std::int64_t count(const std::filesystem::path& db, const char* sql) {
  sqlite3* raw = nullptr;
  sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(raw, sql, -1, &stmt, nullptr);
  std::int64_t n = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
  return n;
}

TEST(SqliteStore, MigrationsAreIdempotent) {
  TempDir dir;
  StoreFixture f(dir);
  ASSERT_TRUE(f.store->migrate());
  f.open();  // reopen migrates again
  ASSERT_TRUE(f.store->migrate());
  // Once each, however many migrations other features add.
  EXPECT_EQ(count(dir.path() / "diskret.db", "SELECT count(*) FROM schema_migrations"),
            static_cast<std::int64_t>(sqlite::main_migrations().size()));
  EXPECT_EQ(count(dir.path() / "keys.db", "SELECT count(*) FROM schema_migrations"),
            static_cast<std::int64_t>(sqlite::keys_migrations().size()));
  EXPECT_EQ(count(dir.path() / "diskret.db",
                  "SELECT count(*) FROM sqlite_master WHERE name = 'messages'"), 1);
  EXPECT_EQ(count(dir.path() / "keys.db",
                  "SELECT count(*) FROM sqlite_master WHERE name = 'subjects'"), 1);
  EXPECT_EQ(count(dir.path() / "keys.db",
                  "SELECT count(*) FROM sqlite_master WHERE name = 'subject_index'"), 1);
  // The key store holds no data tables and the data no keys.
  EXPECT_EQ(count(dir.path() / "keys.db",
                  "SELECT count(*) FROM sqlite_master WHERE name = 'messages'"), 0);
  EXPECT_EQ(count(dir.path() / "diskret.db",
                  "SELECT count(*) FROM sqlite_master WHERE name = 'subjects'"), 0);
}

// With fsync on: commit_unsynced() is visible at once and tells whether the key store was
// written; sync() then flushes the logs (both side by side when it was).
TEST(SqliteStore, UnsyncedCommitIsVisibleAndSyncFlushesTheLogsItNames) {
  TempDir dir;
  FakeClock clock;
  sqlite::SqliteOptions o;
  o.main_path = dir.path() / "diskret.db";
  o.keys_path = dir.path() / "keys.db";
  auto store = sqlite::SqliteStore::open(o, clock);
  ASSERT_TRUE(store) << store.error().message();
  ASSERT_TRUE((*store)->migrate());
  KeyRing keys(**store, crypto::SecretKey::generate(), "testkey0testkey0");

  auto tx = (*store)->begin();
  ASSERT_TRUE(tx);
  TenantRecord t;
  t.public_id = "tn_sync";
  t.name = "sync";
  auto tenant = (*tx)->insert_tenant(t);
  ASSERT_TRUE(tenant);
  ASSERT_TRUE((*tx)->insert_tenant_key(keys.new_tenant_key(*tenant, clock.now_ms())));
  auto first = (*tx)->commit_unsynced();
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_TRUE(first->keys);
  tx->reset();
  EXPECT_TRUE(*(*store)->tenant(*tenant));
  ASSERT_TRUE((*store)->sync(*first));

  tx = (*store)->begin();
  ASSERT_TRUE(tx);
  ASSERT_TRUE((*tx)->insert_message(sample_message(1 << 16, *tenant)));
  auto second = (*tx)->commit_unsynced();
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->keys);
  tx->reset();
  EXPECT_TRUE(*(*store)->message(*tenant, 1 << 16));
  ASSERT_TRUE((*store)->sync(*second));
}

// A log that is not there cannot have been synced: that is an error, never a success.
TEST(WalSync, MissingLogIsAnError) {
  TempDir dir;
  sqlite::WalSync log(dir.path() / "nothing.db");
  auto ok = log.sync();
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().code, make_error_code(Errc::unavailable));
}

TEST(SqliteStore, FullDatabaseFailsAsUnavailableAndKeepsCommittedRows) {
  TempDir dir;
  std::uint64_t tenant = 0;
  {
    StoreFixture f(dir);
    tenant = f.create_tenant("tn_a");
    auto tx = f.store->begin();
    ASSERT_TRUE((*tx)->insert_message(sample_message(1 << 16, tenant)));
    ASSERT_TRUE((*tx)->commit());
  }
  const auto pages = count(dir.path() / "diskret.db", "PRAGMA page_count");
  StoreFixture f(dir, static_cast<std::uint32_t>(pages + 2));
  auto tx = f.store->begin();
  ASSERT_TRUE(tx);
  Expected<void> written;
  for (std::uint64_t i = 2; i < 2000 && written; ++i) {
    auto m = sample_message(i << 16, tenant);
    m.payload.assign(400, 'x');
    written = (*tx)->insert_message(m);
  }
  if (written) written = (*tx)->commit();
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, make_error_code(Errc::unavailable));
  tx->reset();
  EXPECT_EQ(*f.store->max_message_id(), 1u << 16);
  EXPECT_TRUE(*f.store->message(tenant, 1 << 16));
  // Writing works again once the data fits.
  auto again = f.store->begin();
  ASSERT_TRUE(again);
  ASSERT_TRUE((*again)->insert_message(sample_message(3 << 16, tenant)));
  ASSERT_TRUE((*again)->commit());
}

}  // namespace
}  // namespace diskret::store
