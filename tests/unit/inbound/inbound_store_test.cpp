// The SQLite inbound, webhook and audit stores on a real (temporary) database.
#include <gtest/gtest.h>

#include "store/sqlite/sqlite_audit_trail.hpp"
#include "store/sqlite/sqlite_inbound_store.hpp"
#include "store/sqlite/sqlite_webhook_store.hpp"
#include "unit/store/store_fixture.hpp"

namespace diskret::store {
namespace {

using testing::StoreFixture;
using testing::TempDir;

class InboundStoreTest : public ::testing::Test {
 protected:
  InboundStoreTest() : f(dir), inbound(*f.store), webhooks(*f.store), audit(*f.store) {
    a = f.create_tenant("tenant-a");
    b = f.create_tenant("tenant-b");
  }

  template <class Work>
  void write(Work work) {
    auto tx = f.store->begin();
    ASSERT_TRUE(tx);
    work(**tx);
    ASSERT_TRUE((*tx)->commit());
  }

  InboundMessageRecord mo(std::uint64_t id, std::uint64_t tenant) {
    InboundMessageRecord m;
    m.id = id;
    m.tenant_id = tenant;
    m.subject_id = 7;
    m.number = "12345";
    m.payload = std::string("sealed\0bytes", 12);
    m.keyword = 0;
    m.carrier = "carrier-a";
    m.received_at_ms = 1000 + static_cast<std::int64_t>(id);
    return m;
  }

  TempDir dir;
  StoreFixture f;
  sqlite::SqliteInboundStore inbound;
  sqlite::SqliteWebhookStore webhooks;
  sqlite::SqliteAuditTrail audit;
  std::uint64_t a = 0, b = 0;
};

TEST_F(InboundStoreTest, NumbersBelongToOneTenant) {
  write([&](WriteTransaction& tx) {
    auto w = inbound.writes(tx);
    EXPECT_EQ(w->assign_number({"+4915112345678", 0, a, 1}), true);
    EXPECT_EQ(w->assign_number({"12345", 1, a, 2}), true);
    EXPECT_EQ(w->assign_number({"12345", 1, a, 3}), false);  // again: no change
    auto taken = w->assign_number({"12345", 1, b, 4});
    ASSERT_FALSE(taken);
    EXPECT_EQ(taken.error().code, Errc::already_exists);
  });
  auto n = inbound.number("12345");
  ASSERT_TRUE(n && *n);
  EXPECT_EQ((*n)->tenant_id, a);
  EXPECT_EQ((*n)->kind, 1);
  EXPECT_EQ((*n)->created_at_ms, 2);
  EXPECT_EQ(inbound.numbers(a)->size(), 2u);
  EXPECT_TRUE(inbound.numbers(b)->empty());
  EXPECT_FALSE(*inbound.number("99999"));
  write([&](WriteTransaction& tx) {
    auto w = inbound.writes(tx);
    EXPECT_EQ(w->release_number(b, "12345"), false);
    EXPECT_EQ(w->release_number(a, "12345"), true);
  });
  EXPECT_FALSE(*inbound.number("12345"));
}

TEST_F(InboundStoreTest, InboundMessagesPageNewestFirstPerTenant) {
  write([&](WriteTransaction& tx) {
    auto w = inbound.writes(tx);
    for (std::uint64_t id = 1; id <= 5; ++id) ASSERT_TRUE(w->insert_inbound(mo(id, a)));
    ASSERT_TRUE(w->insert_inbound(mo(6, b)));
  });
  auto page = inbound.inbound_page({a, std::nullopt, 2});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, 5u);
  EXPECT_EQ((*page)[1].id, 4u);
  EXPECT_EQ((*page)[0].payload, std::string("sealed\0bytes", 12));
  auto next = inbound.inbound_page({a, 4, 10});
  ASSERT_EQ(next->size(), 3u);
  EXPECT_EQ(next->back().id, 1u);
  EXPECT_FALSE(*inbound.inbound(b, 1));  // another tenant's id finds nothing
  EXPECT_TRUE(*inbound.inbound(b, 6));
  EXPECT_EQ(*inbound.max_inbound_id(), 6u);
}

TEST_F(InboundStoreTest, UnhandledMessagesUntilMarked) {
  write([&](WriteTransaction& tx) {
    auto w = inbound.writes(tx);
    ASSERT_TRUE(w->insert_inbound(mo(1, a)));
    auto handled = mo(2, a);
    handled.handled = true;
    ASSERT_TRUE(w->insert_inbound(handled));
    ASSERT_TRUE(w->insert_inbound(mo(3, a)));
  });
  auto open = inbound.unhandled_inbound(10);
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].id, 1u);
  write([&](WriteTransaction& tx) { ASSERT_TRUE(inbound.writes(tx)->mark_handled(1)); });
  open = inbound.unhandled_inbound(10);
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].id, 3u);
}

TEST_F(InboundStoreTest, KeywordRepliesPerPersonAndUnaccepted) {
  write([&](WriteTransaction& tx) {
    auto w = inbound.writes(tx);
    ASSERT_TRUE(w->insert_keyword_reply({0, a, 7, 0, 1, 100, false}));
    ASSERT_TRUE(w->insert_keyword_reply({0, a, 7, 2, 2, 200, true}));
    ASSERT_TRUE(w->insert_keyword_reply({0, a, 8, 0, 3, 300, false}));
    ASSERT_TRUE(w->insert_keyword_reply({0, b, 7, 0, 4, 300, false}));
  });
  auto seen = inbound.keyword_replies(a, 7, 150);
  ASSERT_TRUE(seen);
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ((*seen)[0].kind, 2);
  EXPECT_EQ((*seen)[0].inbound_id, 2u);
  EXPECT_TRUE((*seen)[0].accepted);
  EXPECT_EQ(inbound.keyword_replies(a, 7, 0)->size(), 2u);
  auto unaccepted = inbound.unaccepted_replies(10);
  ASSERT_EQ(unaccepted->size(), 3u);
  write([&](WriteTransaction& tx) {
    ASSERT_TRUE(inbound.writes(tx)->mark_reply_accepted((*unaccepted)[0].id));
  });
  EXPECT_EQ(inbound.unaccepted_replies(10)->size(), 2u);
}

TEST_F(InboundStoreTest, SettingsPerTenant) {
  EXPECT_FALSE(*inbound.settings(a));
  write([&](WriteTransaction& tx) {
    ASSERT_TRUE(inbound.writes(tx)->put_settings(a, R"({"v":1})", 1));
    ASSERT_TRUE(inbound.writes(tx)->put_settings(a, R"({"v":2})", 2));
  });
  EXPECT_EQ(*inbound.settings(a), R"({"v":2})");
  EXPECT_FALSE(*inbound.settings(b));
}

TEST_F(InboundStoreTest, WebhookPutReplaceAndDeleteDropsPendingEvents) {
  write([&](WriteTransaction& tx) {
    auto w = webhooks.writes(tx);
    ASSERT_TRUE(w->put_webhook({a, "https://one.example/", "s1", 10, 10}));
    ASSERT_TRUE(w->put_webhook({a, "https://two.example/", "s2", 20, 20}));
    WebhookEventRecord e;
    e.id = 1;
    e.tenant_id = a;
    e.next_attempt_ms = 20;
    ASSERT_TRUE(w->enqueue(e));
  });
  auto hook = webhooks.webhook(a);
  ASSERT_TRUE(hook && *hook);
  EXPECT_EQ((*hook)->url, "https://two.example/");
  EXPECT_EQ((*hook)->secret, "s2");
  EXPECT_EQ((*hook)->created_at_ms, 10);
  EXPECT_EQ((*hook)->updated_at_ms, 20);
  EXPECT_EQ(*webhooks.tenants_with_webhooks(), std::vector<std::uint64_t>{a});
  write([&](WriteTransaction& tx) {
    auto w = webhooks.writes(tx);
    EXPECT_EQ(w->delete_webhook(b, 30), false);
    EXPECT_EQ(w->delete_webhook(a, 30), true);
  });
  EXPECT_FALSE(*webhooks.webhook(a));
  auto e = webhooks.event(a, 1);
  ASSERT_TRUE(e && *e);
  EXPECT_EQ((*e)->state, webhook_event::kDropped);
  EXPECT_EQ((*e)->done_at_ms, 30);
}

TEST_F(InboundStoreTest, DueEventsAttemptsAndTheDeliveryLog) {
  write([&](WriteTransaction& tx) {
    auto w = webhooks.writes(tx);
    for (std::uint64_t id = 1; id <= 3; ++id) {
      WebhookEventRecord e;
      e.id = id;
      e.tenant_id = a;
      e.type = webhook_event::kInbound;
      e.ref_id = 100 + id;
      e.at_ms = 5;
      e.next_attempt_ms = static_cast<std::int64_t>(10 * id);
      ASSERT_TRUE(w->enqueue(e));
    }
  });
  auto due = webhooks.due_events(20, 10, {});
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].id, 1u);
  EXPECT_EQ((*due)[0].ref_id, 101u);
  EXPECT_EQ(webhooks.due_events(20, 10, {1})->size(), 1u);  // in flight: skipped
  EXPECT_EQ(webhooks.due_events(20, 1, {})->size(), 1u);
  EXPECT_EQ(*webhooks.next_due_ms(), 10);

  write([&](WriteTransaction& tx) {
    auto w = webhooks.writes(tx);
    ASSERT_TRUE(w->record_attempt({1, 1, a, 21, 500, "", 12, 31}, webhook_event::kPending));
    ASSERT_TRUE(
        w->record_attempt({2, 1, a, 22, 204, "", 3, std::nullopt}, webhook_event::kDelivered));
  });
  auto one = *webhooks.event(a, 1);
  EXPECT_EQ(one->state, webhook_event::kPending);
  EXPECT_EQ(one->attempts, 1u);
  EXPECT_EQ(one->first_attempt_ms, 21);
  EXPECT_EQ(one->next_attempt_ms, 31);
  auto two = *webhooks.event(a, 2);
  EXPECT_EQ(two->state, webhook_event::kDelivered);
  EXPECT_EQ(two->done_at_ms, 22);
  EXPECT_EQ(*webhooks.next_due_ms(), 30);

  write([&](WriteTransaction& tx) {
    ASSERT_TRUE(webhooks.writes(tx)->record_attempt({1, 2, a, 32, 0, "connecting: refused", 1, 45},
                                                    webhook_event::kPending));
  });
  auto log = webhooks.attempts({a, std::nullopt, std::nullopt, 10});
  ASSERT_TRUE(log);
  ASSERT_EQ(log->size(), 3u);
  EXPECT_EQ((*log)[0].event_id, 2u);  // newest event first
  EXPECT_EQ((*log)[1].event_id, 1u);
  EXPECT_EQ((*log)[1].attempt, 2u);
  EXPECT_EQ((*log)[1].error, "connecting: refused");
  EXPECT_EQ((*log)[1].next_attempt_ms, 45);
  auto after =
      webhooks.attempts({a, std::pair{std::uint64_t{1}, std::uint32_t{2}}, std::nullopt, 10});
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].attempt, 1u);
  EXPECT_EQ(webhooks.attempts({a, std::nullopt, 2, 10})->size(), 1u);
  EXPECT_TRUE(webhooks.attempts({b, std::nullopt, std::nullopt, 10})->empty());
  EXPECT_EQ(*webhooks.max_event_id(), 3u);
}

TEST_F(InboundStoreTest, MessageTenantForStatusEvents) {
  write([&](WriteTransaction& tx) {
    MessageRecord m;
    m.id = 77;
    m.tenant_id = b;
    m.encoding = "gsm7";
    m.payload = "x";
    ASSERT_TRUE(tx.insert_message(m));
    auto w = webhooks.writes(tx);
    EXPECT_EQ(*w->message_tenant(77), b);
    EXPECT_FALSE(*w->message_tenant(78));
  });
}

TEST_F(InboundStoreTest, AuditTrailAppendsAndPagesPerTenant) {
  Blind blind{};
  blind[0] = 9;
  write([&](WriteTransaction& tx) {
    ASSERT_TRUE(audit.append(
        tx, {0, a, 1, "system:sms_keyword", "suppression.added", "inbound:1", blind, "{}"}));
    ASSERT_TRUE(audit.append(tx, {0, a, 2, "operator", "number.assign", "", std::nullopt, ""}));
    ASSERT_TRUE(audit.append(tx, {0, b, 3, "operator", "number.assign", "", std::nullopt, ""}));
  });
  auto events = audit.events(a, 0, 10);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].action, "number.assign");
  EXPECT_FALSE((*events)[0].subject_blind);
  EXPECT_EQ((*events)[1].subject_blind, blind);
  EXPECT_EQ((*events)[1].object, "inbound:1");
  EXPECT_EQ(audit.events(a, (*events)[0].id, 10)->size(), 1u);
}

}  // namespace
}  // namespace diskret::store
