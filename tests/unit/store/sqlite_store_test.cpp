#include <gtest/gtest.h>

#include <sqlite3.h>

#include "crypto/secret_box.hpp"
#include "store/sqlite/migrations.hpp"
#include "unit/store/store_fixture.hpp"

namespace diskret::store {
namespace {

using testing::StoreFixture;
using testing::TempDir;

MessageRecord sample_message(std::uint64_t id, std::uint64_t tenant) {
  MessageRecord m;
  m.id = id;
  m.tenant_id = tenant;
  m.segments = 1;
  m.encoding = "gsm7";
  m.sender = "Diskret";
  m.payload = "opaque";
  return m;
}

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

TEST(SqliteStore, UncommittedTransactionLeavesNothing) {
  TempDir dir;
  StoreFixture f(dir);
  const auto tenant = f.create_tenant("tn_a");
  {
    auto tx = f.store->begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->insert_message(sample_message(1 << 16, tenant)));
  }
  EXPECT_FALSE(*f.store->message(tenant, 1 << 16));
  EXPECT_EQ(*f.store->max_message_id(), 0u);
}

TEST(SqliteStore, SavepointRollsBackOneRequestOnly) {
  TempDir dir;
  StoreFixture f(dir);
  const auto tenant = f.create_tenant("tn_a");
  auto tx = f.store->begin();
  ASSERT_TRUE(tx);
  ASSERT_TRUE((*tx)->savepoint());
  ASSERT_TRUE((*tx)->insert_message(sample_message(1 << 16, tenant)));
  ASSERT_TRUE((*tx)->release_savepoint());
  ASSERT_TRUE((*tx)->savepoint());
  ASSERT_TRUE((*tx)->insert_message(sample_message(2 << 16, tenant)));
  auto dup = (*tx)->insert_message(sample_message(1 << 16, tenant));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, make_error_code(Errc::already_exists));
  ASSERT_TRUE((*tx)->rollback_to_savepoint());
  ASSERT_TRUE((*tx)->commit());
  EXPECT_TRUE(*f.store->message(tenant, 1 << 16));
  EXPECT_FALSE(*f.store->message(tenant, 2 << 16));
}

TEST(SqliteStore, MessageOfAnotherTenantIsNotFound) {
  TempDir dir;
  StoreFixture f(dir);
  const auto a = f.create_tenant("tn_a");
  const auto b = f.create_tenant("tn_b");
  auto tx = f.store->begin();
  ASSERT_TRUE((*tx)->insert_message(sample_message(7 << 16, a)));
  ASSERT_TRUE((*tx)->commit());
  tx->reset();
  EXPECT_TRUE(*f.store->message(a, 7 << 16));
  EXPECT_FALSE(*f.store->message(b, 7 << 16));
  EXPECT_TRUE(f.store->messages({.tenant_id = b})->empty());
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

TEST(SqliteStore, PendingMessagesUseThePartialIndexOrder) {
  TempDir dir;
  StoreFixture f(dir);
  const auto tenant = f.create_tenant("tn_a");
  auto tx = f.store->begin();
  for (std::uint64_t i = 1; i <= 5; ++i) {
    auto m = sample_message(i << 16, tenant);
    if (i == 3) m.send_at_ms = 5'000;
    ASSERT_TRUE((*tx)->insert_message(m));
  }
  ASSERT_TRUE((*tx)->mark_submitted(2 << 16, "carrier-a", {"a1", "a2"}, 10));
  ASSERT_TRUE((*tx)->commit());
  tx->reset();
  auto pending = f.store->pending_messages(0, 10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 3u);
  EXPECT_EQ((*pending)[0].id, 1u << 16);
  EXPECT_EQ((*pending)[1].id, 4u << 16);
  EXPECT_EQ(f.store->pending_messages(4 << 16, 10)->size(), 1u);
  EXPECT_TRUE(f.store->due_messages(4'999, 10)->empty());
  EXPECT_EQ(f.store->due_messages(5'000, 10)->size(), 1u);
  EXPECT_EQ(**f.store->next_send_at(0), 5'000);
  EXPECT_FALSE(*f.store->next_send_at(5'000));
  EXPECT_EQ(*f.store->count_accepted(), 4u);
}

TEST(SqliteStore, PartsTrackDeliveryOncePerPart) {
  TempDir dir;
  StoreFixture f(dir);
  const auto tenant = f.create_tenant("tn_a");
  auto tx = f.store->begin();
  ASSERT_TRUE((*tx)->insert_message(sample_message(1 << 16, tenant)));
  ASSERT_TRUE(*(*tx)->mark_submitted(1 << 16, "carrier-a", {"ff01", "ff02"}, 10));
  EXPECT_FALSE(*(*tx)->mark_submitted(1 << 16, "carrier-a", {"ff03"}, 11));  // not accepted
  auto part = (*tx)->find_part("ff02", std::string("carrier-b"));
  ASSERT_TRUE(part);
  EXPECT_FALSE(*part);
  part = (*tx)->find_part("ff02", std::nullopt);
  ASSERT_TRUE(part && *part);
  EXPECT_EQ((*part)->message_id, 1u << 16);
  EXPECT_EQ((*part)->part, 1);
  EXPECT_TRUE(*(*tx)->set_part_state(**part, part_state::kDelivered));
  EXPECT_FALSE(*(*tx)->set_part_state(**part, part_state::kDelivered));  // duplicate receipt
  auto progress = (*tx)->add_delivered_part(1 << 16);
  ASSERT_TRUE(progress);
  EXPECT_EQ(progress->parts, 2);
  EXPECT_EQ(progress->parts_delivered, 1);
  EXPECT_EQ(progress->status, state::kSubmitted);
  EXPECT_TRUE(*(*tx)->finish(1 << 16, state::kDelivered, "", "", 20));
  EXPECT_FALSE(*(*tx)->finish(1 << 16, state::kFailed, "x", "y", 21));  // final already
  ASSERT_TRUE((*tx)->commit());
  tx->reset();
  auto m = *f.store->message(tenant, 1 << 16);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, state::kDelivered);
  EXPECT_EQ(m->carrier, "carrier-a");
  EXPECT_EQ(m->done_at_ms, 20);
  EXPECT_EQ(m->submitted_at_ms, 10);
}

TEST(SqliteStore, RevokedKeyIsMarkedOnce) {
  TempDir dir;
  StoreFixture f(dir);
  const auto tenant = f.create_tenant("tn_a");
  const auto other = f.create_tenant("tn_b");
  auto tx = f.store->begin();
  ApiKeyRecord k;
  k.tenant_id = tenant;
  k.prefix = "dsk_live_abcde";
  k.hash = "00";
  k.name = "ci";
  k.role = "owner";
  auto id = (*tx)->insert_api_key(k);
  ASSERT_TRUE(id);
  auto dup = (*tx)->insert_api_key(k);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, make_error_code(Errc::already_exists));
  EXPECT_FALSE(*(*tx)->revoke_api_key(other, *id, 5));
  EXPECT_TRUE(*(*tx)->revoke_api_key(tenant, *id, 5));
  EXPECT_FALSE(*(*tx)->revoke_api_key(tenant, *id, 6));
  ASSERT_TRUE((*tx)->commit());
  tx->reset();
  auto found = *f.store->api_key_by_prefix("dsk_live_abcde");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->revoked_at_ms, 5);
  EXPECT_EQ(found->tenant_public_id, "tn_a");
}

}  // namespace
}  // namespace diskret::store
