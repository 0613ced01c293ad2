// The stores beside the Store (contacts, billing, campaigns, SMPP credentials, key vault)
// on both backends: the same calls give the same answers on SqliteStore and on PgStore
// (through SqlHost), including the SQL that SQLite and PostgreSQL spell differently
// (RETURNING ids, ON CONFLICT, the campaign's set-based materialisation, keyset paging,
// the message notes' id arrays and the claims that hand a row to one node).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "integration/store/pg_backend.hpp"
#include "portal/session_store.hpp"
#include "store/sqlite/sqlite_billing_store.hpp"
#include "store/sqlite/sqlite_campaign_store.hpp"
#include "store/sqlite/sqlite_contact_store.hpp"
#include "store/sqlite/sqlite_key_vault.hpp"
#include "store/sqlite/sqlite_message_notes.hpp"
#include "store/sqlite/sqlite_smpp_credentials.hpp"
#include "store/sqlite/sqlite_smpp_outbox.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::store {
namespace {

class SideStores : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      if (!test::PostgresServer::available()) GTEST_SKIP() << test::PostgresServer::missing_message();
      auto db = testing::fresh_pg_schema();
      auto pg = testing::open_pg_store(testing::pg_options(db), clock_);
      keys_db_ = must(pg->sql_connect_keys());
      store_ = std::move(pg);
    } else {
      dir_ = std::filesystem::temp_directory_path() /
             ("diskret-side-" + std::to_string(::getpid()) + "-" + std::to_string(++n_));
      std::filesystem::create_directories(dir_);
      sqlite::SqliteOptions o;
      o.main_path = dir_ / "diskret.db";
      o.keys_path = dir_ / "keys.db";
      o.fsync = false;
      auto s = sqlite::SqliteStore::open(o, clock_);
      ASSERT_TRUE(s) << s.error().message();
      ASSERT_TRUE((*s)->migrate());
      store_ = std::move(*s);
      auto vault_db = sqlite::SqliteDb::open_beside(o.keys_path, std::chrono::seconds{5});
      ASSERT_TRUE(vault_db);
      keys_db_ = std::make_unique<sqlite::SqliteDb>(std::move(*vault_db));
    }
    host_ = dynamic_cast<SqlHost*>(store_.get());
    ASSERT_NE(host_, nullptr);
    tenant_ = tenant("tn_side_a");
    other_ = tenant("tn_side_b");
  }
  void TearDown() override {
    keys_db_.reset();
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  template <class T>
  static T must(Expected<T>&& v) {
    if (!v) throw std::runtime_error(v.error().message());
    return std::move(*v);
  }
  std::uint64_t tenant(const std::string& public_id) {
    auto tx = must(store_->begin());
    TenantRecord t;
    t.public_id = public_id;
    t.name = public_id;
    t.created_at_ms = 1;
    const auto id = must(tx->insert_tenant(t));
    EXPECT_TRUE(tx->commit());
    return id;
  }
  std::unique_ptr<SqlDb> connection() { return must(host_->sql_connect()); }

  static inline int n_ = 0;
  FakeClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SqlDb> keys_db_;
  SqlHost* host_ = nullptr;
  std::uint64_t tenant_ = 0, other_ = 0;
};

TEST_P(SideStores, ContactsListsAndMembersInTheStoresTransaction) {
  sqlite::SqliteContactStore contacts(*host_);
  std::uint64_t a = 0, b = 0, list = 0;
  {
    auto tx = must(store_->begin());
    auto w = contacts.writes(*tx);
    ContactRecord c;
    c.tenant_id = tenant_;
    c.blind[0] = 1;
    c.subject_id = 7;
    c.sealed = std::string("\0sealed\xff", 8);
    a = must(w->insert_contact(c));
    c.blind[0] = 2;
    b = must(w->insert_contact(c));
    EXPECT_GT(b, a);
    // The same blind twice is a conflict on both backends.
    auto dup = w->insert_contact(c);
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, make_error_code(Errc::already_exists));
  }  // not committed: rolled back
  // After a failed statement PostgreSQL needs a new transaction: write again from the start.
  {
    auto tx = must(store_->begin());
    auto w = contacts.writes(*tx);
    ContactRecord c;
    c.tenant_id = tenant_;
    c.subject_id = 7;
    c.sealed = std::string("\0sealed\xff", 8);
    c.blind[0] = 1;
    a = must(w->insert_contact(c));
    c.blind[0] = 2;
    b = must(w->insert_contact(c));
    ListRecord l;
    l.tenant_id = tenant_;
    l.name = "Newsletter";
    list = must(w->insert_list(l));
    ASSERT_TRUE(w->add_member(list, a));
    ASSERT_TRUE(w->add_member(list, a));  // once only (ON CONFLICT DO NOTHING)
    ASSERT_TRUE(w->add_member(list, b));
    ASSERT_TRUE(tx->commit());
  }
  auto found = must(contacts.contact(tenant_, a));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->sealed, std::string("\0sealed\xff", 8));
  EXPECT_EQ(found->blind[0], 1);
  ContactQuery q;
  q.tenant_id = tenant_;
  q.list_id = list;
  EXPECT_EQ(must(contacts.contacts(q)).size(), 2U);
  auto lists = must(contacts.lists(tenant_));
  ASSERT_EQ(lists.size(), 1U);
  EXPECT_EQ(lists[0].members, 2U);
  EXPECT_TRUE(must(contacts.lists(other_)).empty());

  // Campaigns: materialised from the list once each, compare-and-set status changes.
  auto campaigns = sqlite::SqliteCampaignStore::open_on(connection());
  CampaignRecord r;
  r.tenant_id = tenant_;
  r.name = "Winter";
  r.lists = {list};
  r.sender = "Diskret";
  r.template_text = "Hallo";
  r.rate_per_minute = 60;
  r.status = "draft";
  const auto id = must(campaigns->insert(r));
  EXPECT_TRUE(must(campaigns->transition(tenant_, id, "draft", "running", 5, true)));
  EXPECT_FALSE(must(campaigns->transition(tenant_, id, "draft", "running", 6, true)));
  EXPECT_EQ(must(campaigns->pending(id, 10, clock_.now_ms())), (std::vector<std::uint64_t>{a, b}));
  EXPECT_EQ(must(campaigns->audience(tenant_, id, 0, 10)), (std::vector<std::uint64_t>{a, b}));
  ASSERT_TRUE(campaigns->mark(id, {{a, CampaignRecipientState::sent, 99, ""},
                                   {b, CampaignRecipientState::rejected, std::nullopt, "opted_out"}}));
  auto counts = must(campaigns->counts(id));
  EXPECT_EQ(counts.sent, 1U);
  EXPECT_EQ(counts.rejected, 1U);
  EXPECT_EQ(counts.pending, 0U);
  EXPECT_EQ(must(campaigns->active()).size(), 1U);
  EXPECT_EQ(must(campaigns->message_ids(tenant_, id)), (std::vector<std::uint64_t>{99}));
}

TEST_P(SideStores, BillingDebitsInTheStoresTransaction) {
  sqlite::SqliteBillingStore billing(*host_);
  {
    auto tx = must(store_->begin());
    auto w = billing.writes(*tx);
    EXPECT_EQ(must(w->account(tenant_)).balance_cents, 0);
    ASSERT_TRUE(w->put_account(tenant_, {500, false}, 1));
    LedgerEntryRecord e{0, tenant_, "grant", "grant", "tenant", 500, 500, std::nullopt, "welcome", 1};
    ASSERT_TRUE(w->append(e));
    ASSERT_TRUE(w->put_account(tenant_, {493, true}, 2));
    e = {0, tenant_, "debit", "tenant", "messages", 7, 493, 42, "", 2};
    ASSERT_TRUE(w->append(e));
    auto debit = must(w->debit_of(42));
    ASSERT_TRUE(debit);
    EXPECT_EQ(debit->amount_cents, 7);
    EXPECT_FALSE(must(w->refunded(42)));
    ASSERT_TRUE(tx->commit());
  }
  EXPECT_EQ(must(billing.balance(tenant_)), 493);
  EXPECT_EQ(must(billing.balance(other_)), 0);
  auto ledger = must(billing.ledger(tenant_, 0, 10));
  ASSERT_EQ(ledger.size(), 2U);
  EXPECT_EQ(ledger[0].kind, "debit");  // newest first
  EXPECT_EQ(ledger[1].reference, "welcome");
  // A negative balance is refused by the CHECK on both.
  auto tx = must(store_->begin());
  auto w = billing.writes(*tx);
  EXPECT_FALSE(w->put_account(tenant_, {-1, false}, 3));
}

TEST_P(SideStores, SmppCredentialsAndKeyVaultOnOwnConnections) {
  auto creds = sqlite::SqliteSmppCredentialStore::open_on(connection());
  SmppCredentialRecord c{0, tenant_, "acme01", "hash", 10, 50, 1, std::nullopt};
  const auto id = must(creds->insert(c));
  EXPECT_GT(id, 0U);
  auto found = must(creds->find("acme01"));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(found->tps, 50U);
  EXPECT_FALSE(found->revoked_at);
  EXPECT_FALSE(creds->insert(c));  // system ids are unique
  EXPECT_TRUE(must(creds->revoke(tenant_, "acme01", 9)));
  EXPECT_FALSE(must(creds->revoke(other_, "acme01", 9)));
  EXPECT_EQ(must(creds->find("acme01"))->revoked_at, 9);

  auto vault = sqlite::SqliteKeyVault::open_on(std::move(keys_db_));
  ASSERT_TRUE(vault->record_master_key("k1", 1));
  ASSERT_TRUE(vault->record_master_key("k1", 2));  // again: no second row
  EXPECT_EQ(must(vault->current_master_key_id()), std::optional<std::string>("k1"));
  AuditAnchorRecord anchor{tenant_, 3, std::string("\x01\x00h", 3), 5, "k1", "sig"};
  ASSERT_TRUE(vault->advance_anchor(anchor));
  anchor.seq = 2;  // backwards: ignored
  ASSERT_TRUE(vault->advance_anchor(anchor));
  auto anchors = must(vault->anchors());
  ASSERT_EQ(anchors.size(), 1U);
  EXPECT_EQ(anchors[0].seq, 3U);
  EXPECT_EQ(anchors[0].hash, std::string("\x01\x00h", 3));
  ASSERT_TRUE(vault->replace_anchor(anchor));
  EXPECT_EQ(must(vault->anchors())[0].seq, 2U);
}

// The stores beside the Store hold their connection for the life of the process: after
// PostgreSQL dropped it (a restart, a failover; here the backend is terminated) the next
// call connects again, a broken transaction refuses its statements until ROLLBACK, and the
// campaign runner's session lock is asked for again instead of being assumed.
TEST_P(SideStores, ConnectionsComeBackAfterTheDatabaseDroppedThem) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "PostgreSQL connections only";
  auto db = connection();
  auto terminate = [&](SqlDb& victim) {
    auto pid = must(victim.use("SELECT pg_backend_pid()"));
    EXPECT_TRUE(must(pid->step()));
    auto other = connection();
    auto killed = must(other->statement("SELECT pg_terminate_backend(" +
                                        std::to_string(pid->int64(0)) + ")"));
    EXPECT_TRUE(must(killed->step()));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the backend exits
  };
  auto one = [&]() -> Expected<std::int64_t> {
    auto s = db->use("SELECT 1");
    if (!s) return unexpected(s.error());
    auto row = (*s)->step();
    if (!row) return unexpected(row.error());
    return (*s)->int64(0);
  };
  const auto first_session = db->session();
  terminate(*db);
  auto lost = one();  // the call that finds the connection gone fails, as unavailable
  if (!lost) {
    EXPECT_EQ(lost.error().code, make_error_code(Errc::unavailable));
  }
  EXPECT_EQ(must(one()), 1);
  EXPECT_NE(db->session(), first_session);

  // In a transaction: nothing of it runs on the new session until it is rolled back.
  ASSERT_TRUE(db->begin());
  ASSERT_TRUE(db->exec("CREATE TEMPORARY TABLE t (x BIGINT)"));
  terminate(*db);
  EXPECT_FALSE(db->exec("INSERT INTO t VALUES (1)"));
  EXPECT_TRUE(db->in_transaction());
  auto refused = db->exec("INSERT INTO t VALUES (2)");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, make_error_code(Errc::unavailable));
  EXPECT_TRUE(db->rollback());
  EXPECT_FALSE(db->in_transaction());
  EXPECT_EQ(must(one()), 1);

  // The campaign runner's lock belongs to a session: a reopened connection asks again,
  // and does not run campaigns while another node holds it.
  auto runner = sqlite::SqliteCampaignStore::open_on(connection());
  CampaignRecord r;
  r.tenant_id = tenant_;
  r.name = "c";
  r.sender = "Diskret";
  r.template_text = "Hallo";
  r.status = "running";
  r.rate_per_minute = 60;
  must(runner->insert(r));
  EXPECT_EQ(must(runner->active()).size(), 1U);
  auto other = sqlite::SqliteCampaignStore::open_on(connection());
  EXPECT_EQ(must(other->active()).size(), 0U);  // one runner at a time
  // Terminate the runner's session (its connection is inside the store: find it by the lock).
  auto holder = connection();
  auto killed = must(holder->statement(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted "
      "AND objid::bigint = (7235441821234300418 & 4294967295)"));
  ASSERT_TRUE(must(killed->step()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(must(other->active()).size(), 1U);  // the other node takes over
  (void)runner->active();                        // finds its connection gone
  EXPECT_EQ(must(runner->active()).size(), 0U);  // reconnected, but not the runner now
  other.reset();  // that node goes away; its backend ends (and unlocks) a moment later
  std::size_t running = 0;
  for (int i = 0; i < 50 && running == 0; ++i) {
    running = must(runner->active()).size();
    if (running == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(running, 1U);
}

// The portal drops expired sessions from portal_sessions with SQL that both dialects
// understand (PostgreSQL has no two-argument min()).
TEST_P(SideStores, MessageNotesAreTakenOnceAndOutboxRowsClaimedByOneConnection) {
  auto notes = sqlite::SqliteMessageNotes::open_on(*host_, connection());
  // Two nodes' outboxes on one database.
  auto here = sqlite::SqliteSmppOutbox::open_on(connection());
  auto there = sqlite::SqliteSmppOutbox::open_on(connection());
  const std::vector<std::uint64_t> finals = {11, 12, 13};
  {
    auto tx = must(store_->begin());
    for (std::uint64_t id : {11, 13}) {
      ASSERT_TRUE(notes->insert(*tx, MessageNote{MessageNote::Kind::smpp_receipt, id, tenant_,
                                                 1'000, "sealed-" + std::to_string(id)}));
    }
    ASSERT_TRUE(notes->insert(*tx, MessageNote{MessageNote::Kind::mail_bounce, 12, tenant_,
                                               1'000, "origin"}));
    ASSERT_TRUE(tx->commit());
  }
  {
    // The final statuses' transaction: requests taken (once), bounce notes found.
    auto tx = must(store_->begin());
    auto taken = must(notes->take_receipt_requests(*tx, finals));
    ASSERT_EQ(taken.size(), 2u);
    std::sort(taken.begin(), taken.end(),
              [](const MessageNote& a, const MessageNote& b) { return a.message_id < b.message_id; });
    EXPECT_EQ(taken[0].message_id, 11u);
    EXPECT_EQ(taken[1].sealed, "sealed-13");
    EXPECT_EQ(taken[1].tenant_id, tenant_);
    EXPECT_TRUE(must(notes->take_receipt_requests(*tx, finals)).empty());
    EXPECT_EQ(must(notes->waiting_bounces(*tx, finals)), std::vector<std::uint64_t>{12});
    ASSERT_TRUE(notes->settle_bounce(*tx, 12, BounceDue{"failed", "why", 100, 5'000}));
    EXPECT_TRUE(must(notes->waiting_bounces(*tx, finals)).empty());
    for (const auto& t : taken) ASSERT_TRUE(notes->add_deliver(*tx, t.tenant_id, 1'000, t.sealed));
    ASSERT_TRUE(tx->commit());
  }
  EXPECT_TRUE(must(here->requests()).empty());
  // Each outbox row and each due bounce goes to one claimer until its claim runs out.
  EXPECT_EQ(must(here->count(tenant_)), 2u);
  auto mine = must(here->claim(tenant_, 200, 800, 10));
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_LT(mine[0].id, mine[1].id);
  EXPECT_EQ(mine[0].sealed_pdu, "sealed-11");
  EXPECT_TRUE(must(there->claim(tenant_, 300, 900, 10)).empty());
  EXPECT_TRUE(must(there->claim(other_, 300, 900, 10)).empty());
  ASSERT_TRUE(here->release(std::vector<std::uint64_t>{mine[1].id}));
  auto given_back = must(there->claim(tenant_, 300, 900, 10));
  ASSERT_EQ(given_back.size(), 1u);
  EXPECT_EQ(given_back[0].id, mine[1].id);
  ASSERT_TRUE(there->remove(std::vector<std::uint64_t>{given_back[0].id}));
  auto after_claim = must(there->claim(tenant_, 801, 1'500, 10));  // the first claim ran out
  ASSERT_EQ(after_claim.size(), 1u);
  EXPECT_EQ(after_claim[0].id, mine[0].id);
  EXPECT_EQ(must(here->claim(tenant_, 1'001, 2'000, 10)).size(), 0u) << "kept past keep_until";
  EXPECT_EQ(must(here->count(tenant_)), 0u);

  auto other_notes = sqlite::SqliteMessageNotes::open_on(*host_, connection());
  auto due = must(notes->claim_due(200, 700, 10));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].message_id, 12u);
  EXPECT_EQ(due[0].outcome, "failed");
  EXPECT_TRUE(must(other_notes->claim_due(300, 800, 10)).empty());
  EXPECT_EQ(must(other_notes->claim_due(701, 1'400, 10)).size(), 1u);
  EXPECT_EQ(must(notes->count()), 1u);
}

TEST_P(SideStores, PortalSessionsExpireFromTheTable) {
  using namespace std::chrono_literals;
  portal::SessionStore sessions(clock_, {30min, 12h});
  sessions.persist_in(connection(), [](std::uint64_t, std::uint64_t) {
    return Expected<std::optional<std::string>>(std::optional<std::string>("a@example.com"));
  });
  tenancy::Principal user;
  user.tenant = tenancy::TenantId{tenant_};
  user.tenant_public_id = "tn_side_a";
  user.role = tenancy::Role::admin;
  user.user_id = 7;
  sessions.create(user, "a@example.com");
  auto count = [&] {
    auto db = connection();
    auto s = must(db->use("SELECT count(*) FROM portal_sessions"));
    EXPECT_TRUE(must(s->step()));
    return s->int64(0);
  };
  EXPECT_EQ(count(), 1);
  clock_.advance(31min);
  EXPECT_EQ(sessions.open_sessions(), 0U);
  EXPECT_EQ(count(), 0);
}

INSTANTIATE_TEST_SUITE_P(BothBackends, SideStores, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace diskret::store
