// PgStore: the store contract on PostgreSQL, and what only PostgreSQL has (several nodes
// migrating at once, the key database apart, connections lost and servers restarted).
#include <gtest/gtest.h>

#include <libpq-fe.h>

#include <set>
#include <thread>

#include "integration/store/pg_backend.hpp"
#include "store/postgresql/pg_migrations.hpp"
#include "store/store_factory.hpp"

namespace diskret::store::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(
    PostgreSQL, StoreContract,
    ::testing::Values(StoreBackendParam{"PostgreSQL", [] { return make_pg_backend(); }}),
    backend_name);

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::PostgresServer::available()) GTEST_SKIP() << test::PostgresServer::missing_message();
    db_ = fresh_pg_schema();
  }
  FakeClock clock_;
  PgTestDb db_;
};

TEST(PgOptions, KeyDatabaseIsTheMainNameWithKeysSuffix) {
  auto o = postgresql::PgOptions::from_url("postgresql://app@db.example:5433/diskret?sslmode=require");
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->url, "postgresql://app@db.example:5433/diskret?sslmode=require");
  EXPECT_EQ(o->keys_url, "postgresql://app@db.example:5433/diskret_keys?sslmode=require");
  auto short_scheme = postgresql::PgOptions::from_url("postgres://h/d");
  ASSERT_TRUE(short_scheme);
  EXPECT_EQ(short_scheme->keys_url, "postgres://h/d_keys");
  for (const char* bad : {"sqlite:var/x.db", "postgresql://host", "postgresql://host/", "postgresql://h/?x=1"}) {
    auto rejected = postgresql::PgOptions::from_url(bad);
    ASSERT_FALSE(rejected) << bad;
    EXPECT_EQ(rejected.error().code, make_error_code(Errc::invalid_argument));
  }
}

// [store] url = "postgresql://..." opens a PgStore: a node, migrated, with its keys apart.
TEST_F(PgStoreTest, StoreUrlOpensAMigratedNode) {
  auto store = open_store(db_.url(), "unused", clock_);
  ASSERT_TRUE(store) << store.error().message();
  ASSERT_NE((*store)->claims(), nullptr);
  EXPECT_FALSE((*store)->claims()->node_id().empty());
  EXPECT_EQ(*(*store)->max_message_id(), 0u);
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM nodes"), "1");
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM schema_migrations", true),
            std::to_string(postgresql::keys_migrations().size()));
}

// Connections get timeouts and keepalives (a silent server fails as unavailable instead
// of blocking) and a name, unless the URL sets its own.
TEST_F(PgStoreTest, ConnectionDefaultsApplyUnlessTheUrlSetsThem) {
  auto named_by_default = open_pg_store(pg_options(db_, "a"), clock_);
  auto o = pg_options(db_, "b");
  o.url += "&application_name=node7";
  o.keys_url += "&application_name=node7";
  auto named = open_pg_store(o, clock_);
  auto count = [&](const std::string& name) {
    return db_.scalar("SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = '" + name + "'");
  };
  EXPECT_EQ(count("diskret"), "t");
  EXPECT_EQ(count("node7"), "t");
  auto& pg = test::shared_postgres();
  auto timeout = postgresql::PgConnection::connect(pg.url(db_.db));
  ASSERT_TRUE(timeout);
  auto r = timeout->query("SELECT current_setting('application_name')");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text(0, 0), "diskret");
}

// Several nodes started together: each migration is applied once, none fails.
TEST_F(PgStoreTest, MigrationsRunOnceWhenNodesStartTogether) {
  constexpr int kNodes = 4;
  std::vector<std::unique_ptr<postgresql::PgStore>> nodes;
  for (int i = 0; i < kNodes; ++i) {
    auto s = postgresql::PgStore::open(pg_options(db_, "n" + std::to_string(i)), clock_);
    ASSERT_TRUE(s) << s.error().message();
    nodes.push_back(std::move(*s));
  }
  std::vector<Expected<void>> results(kNodes);
  std::vector<std::thread> threads;
  for (int i = 0; i < kNodes; ++i) {
    threads.emplace_back([&, i] { results[i] = nodes[i]->migrate(); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_TRUE(r) << r.error().message();
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM schema_migrations"),
            std::to_string(postgresql::main_migrations().size()));
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM schema_migrations", true),
            std::to_string(postgresql::keys_migrations().size()));
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM nodes"), std::to_string(kNodes));
  ASSERT_TRUE(nodes[0]->migrate());  // and again: nothing left to do
}

// The keys live in their own database and the data in the other, so a dump of the data
// (the backups of this mode) holds no key.
TEST_F(PgStoreTest, KeysLiveInTheirOwnDatabase) {
  auto store = open_pg_store(pg_options(db_), clock_);
  KeyRing keys(*store, crypto::SecretKey::generate(), "testkey0testkey0");
  auto tx = store->begin();
  TenantRecord t;
  t.public_id = "tn_a";
  t.name = "a";
  auto tenant = (*tx)->insert_tenant(t);
  ASSERT_TRUE(tenant);
  ASSERT_TRUE((*tx)->insert_tenant_key(keys.new_tenant_key(*tenant, 1)));
  ASSERT_TRUE((*tx)->commit());
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM tenant_keys", true), "1");
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM tenants"), "1");
  for (const char* table : {"tenant_keys", "subjects", "subject_index", "service_keys"}) {
    EXPECT_EQ(db_.scalar(std::string("SELECT to_regclass('") + table + "') IS NULL"), "t") << table;
  }
  for (const char* table : {"tenants", "messages", "api_keys", "idempotency"}) {
    EXPECT_EQ(db_.scalar(std::string("SELECT to_regclass('") + table + "') IS NULL", true), "t")
        << table;
  }
}

// Two nodes create people at once, each with its own KeyRing: their subject ids never
// collide (a single writer's max + 1 would: both nodes would count on from the same max),
// and a person the other node created is found, not created twice.
TEST_F(PgStoreTest, NodesCreatingPeopleAtOnceNeverShareASubjectId) {
  auto a = open_pg_store(pg_options(db_, "a"), clock_);
  auto b = open_pg_store(pg_options(db_, "b"), clock_);
  const auto master = crypto::SecretKey::generate();
  KeyRing keys_a(*a, master, "testkey0testkey0");
  KeyRing keys_b(*b, master, "testkey0testkey0");
  std::uint64_t tenant = 0;
  {
    auto tx = a->begin();
    TenantRecord t;
    t.public_id = "tn_a";
    t.name = "a";
    tenant = *(*tx)->insert_tenant(t);
    ASSERT_TRUE((*tx)->insert_tenant_key(keys_a.new_tenant_key(tenant, 1)));
    ASSERT_TRUE((*tx)->commit());
  }
  auto person = [&](Store& store, KeyRing& keys, std::string_view number) -> std::uint64_t {
    auto tx = store.begin();
    EXPECT_TRUE(tx);
    auto tenant_keys = keys.tenant(tenant);
    EXPECT_TRUE(tenant_keys);
    auto subject = keys.subject_for_write(**tx, tenant, **tenant_keys, number, 1);
    EXPECT_TRUE(subject) << subject.error().message();
    if (!subject) return 0;
    EXPECT_TRUE((*tx)->commit());
    keys.publish_new_subjects();
    return subject->subject_id;
  };
  const auto x = person(*a, keys_a, "+4915112345601");  // both have counted subjects now
  const auto y = person(*b, keys_b, "+4915112345602");
  const auto z = person(*a, keys_a, "+4915112345603");
  const auto w = person(*b, keys_b, "+4915112345604");
  EXPECT_EQ(std::set<std::uint64_t>({x, y, z, w}).size(), 4u);
  EXPECT_EQ(person(*b, keys_b, "+4915112345601"), x);
  EXPECT_EQ(person(*a, keys_a, "+4915112345604"), w);
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM subjects", true), "4");
}

// Savepoints and releases travel with the next statement (one round trip): an error of
// theirs is that statement's error, and the transaction cannot commit after it.
TEST_F(PgStoreTest, DeferredStatementErrorsSurfaceAndFailTheCommit) {
  auto store = open_pg_store(pg_options(db_), clock_);
  auto tx = store->begin();
  ASSERT_TRUE(tx);
  ASSERT_TRUE((*tx)->release_savepoint());  // no savepoint: fails on the server, later
  TenantRecord t;
  t.public_id = "tn_a";
  t.name = "a";
  auto failed = (*tx)->insert_tenant(t);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().code, make_error_code(Errc::already_exists));
  auto commit = (*tx)->commit();
  ASSERT_FALSE(commit);
  tx->reset();
  EXPECT_FALSE(*store->tenant_by_public_id("tn_a"));
  // The connection is fine for the next transaction.
  auto next = store->begin();
  ASSERT_TRUE(next);
  ASSERT_TRUE((*next)->savepoint());
  ASSERT_TRUE((*next)->insert_tenant(t));
  ASSERT_TRUE((*next)->release_savepoint());
  ASSERT_TRUE((*next)->commit());
  EXPECT_TRUE(*store->tenant_by_public_id("tn_a"));
}

// The server drops the store's connections (an administrator, a failover): the open
// transaction fails as unavailable, and the next one works on new connections.
TEST_F(PgStoreTest, LostConnectionsFailAsUnavailableAndAreReplaced) {
  auto store = open_pg_store(pg_options(db_), clock_);
  auto tx = store->begin();
  ASSERT_TRUE(tx);
  TenantRecord t;
  t.public_id = "tn_a";
  t.name = "a";
  ASSERT_TRUE((*tx)->insert_tenant(t));
  ASSERT_FALSE(store->tenant_by_public_id("tn_a")->has_value());  // uncommitted: invisible
  auto& pg = test::shared_postgres();
  ASSERT_EQ(pg.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname IN ('" + db_.db + "', '" + db_.db + "_keys') AND pid <> pg_backend_pid()"),
            std::nullopt);
  auto lost = (*tx)->insert_tenant(t);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, make_error_code(Errc::unavailable));
  auto commit = (*tx)->commit();
  ASSERT_FALSE(commit);
  EXPECT_EQ(commit.error().code, make_error_code(Errc::unavailable));
  tx->reset();

  auto again = store->begin();
  ASSERT_TRUE(again) << again.error().message();
  ASSERT_TRUE((*again)->insert_tenant(t));
  ASSERT_TRUE((*again)->commit());
  again->reset();
  auto read = store->tenant_by_public_id("tn_a");  // the idle reader was dropped too
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_TRUE(read->has_value());
}

// PostgreSQL itself restarts: while it is down everything is unavailable (never another
// error, never a success), and the store carries on once it is back, committed data intact.
TEST(PgStoreRestart, ServerDownIsUnavailableAndTheStoreCarriesOn) {
  if (!test::PostgresServer::available()) GTEST_SKIP() << test::PostgresServer::missing_message();
  test::PostgresServer pg;  // its own server: the shared one stays up
  ASSERT_TRUE(pg.running()) << pg.error();
  const std::string db = pg.create_database("r");
  ASSERT_FALSE(db.empty());
  ASSERT_EQ(pg.execute("CREATE DATABASE " + db + "_keys"), std::nullopt);
  FakeClock clock;
  auto store = postgresql::PgStore::open(*postgresql::PgOptions::from_url(pg.url(db)), clock);
  ASSERT_TRUE(store) << store.error().message();
  ASSERT_TRUE((*store)->migrate());
  auto write = [&](const std::string& id) -> Expected<void> {
    auto tx = (*store)->begin();
    if (!tx) return unexpected(tx.error());
    TenantRecord t;
    t.public_id = id;
    t.name = id;
    if (auto ok = (*tx)->insert_tenant(t); !ok) return unexpected(ok.error());
    return (*tx)->commit();
  };
  ASSERT_TRUE(write("tn_before"));
  const auto port = pg.port();
  ASSERT_TRUE(pg.stop());
  auto down = write("tn_down");
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, make_error_code(Errc::unavailable)) << down.error().message();
  auto read_down = (*store)->tenant_by_public_id("tn_before");
  ASSERT_FALSE(read_down);
  EXPECT_EQ(read_down.error().code, make_error_code(Errc::unavailable));
  ASSERT_TRUE(pg.start()) << pg.error();
  ASSERT_EQ(pg.port(), port) << "the port was taken while the server was down";
  ASSERT_TRUE(write("tn_after"));
  EXPECT_TRUE((*store)->tenant_by_public_id("tn_before")->has_value());
  EXPECT_TRUE((*store)->tenant_by_public_id("tn_after")->has_value());
  EXPECT_FALSE((*store)->tenant_by_public_id("tn_down")->has_value());
}

}  // namespace
}  // namespace diskret::store::testing
