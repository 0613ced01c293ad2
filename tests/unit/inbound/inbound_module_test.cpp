// The inbound half end to end inside one process: a real DurablePipeline on SQLite with a
// fake carrier, the contacts services, and webhooks to a local receiver.
#include "inbound/inbound_module.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <tuple>

#include <boost/json.hpp>
#include <future>

#include "contacts/contact_service.hpp"
#include "contacts/suppression_service.hpp"
#include "inbound/contacts_keyword_effects.hpp"
#include "inbound/webhook_signature.hpp"
#include "pipeline/durable_pipeline.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/sqlite_audit_trail.hpp"
#include "store/sqlite/sqlite_contact_store.hpp"
#include "store/sqlite/sqlite_inbound_store.hpp"
#include "store/sqlite/sqlite_webhook_store.hpp"
#include "unit/inbound/webhook_receiver.hpp"
#include "unit/pipeline/fake_carrier.hpp"
#include "unit/store/store_fixture.hpp"

namespace diskret::inbound {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using pipeline::testing::FakeCarrier;
using store::testing::StoreFixture;
using store::testing::TempDir;
using testing::Receiver;

// The pipeline as the inbound module sees it, with the id slot a node would hold when
// several nodes share the database.
class SlottedPipeline final : public pipeline::Pipeline {
 public:
  SlottedPipeline(pipeline::Pipeline& inner, const std::optional<unsigned>& slot)
      : inner_(inner), slot_(slot) {}
  std::vector<pipeline::MessageId> preassign(std::size_t count) override {
    return inner_.preassign(count);
  }
  void accept(pipeline::AcceptRequest&& request, const std::vector<pipeline::MessageId>& ids,
              std::function<void(Expected<pipeline::AcceptResult>)> done) override {
    inner_.accept(std::move(request), ids, std::move(done));
  }
  Expected<std::optional<std::pair<std::string, std::string>>> find_idempotent(
      pipeline::TenantId tenant, const std::string& key) override {
    return inner_.find_idempotent(tenant, key);
  }
  Expected<pipeline::MessageView> get(pipeline::TenantId tenant, pipeline::MessageId id) override {
    return inner_.get(tenant, id);
  }
  Expected<std::vector<pipeline::MessageView>> list(pipeline::TenantId tenant,
                                                    const pipeline::MessageFilter& filter) override {
    return inner_.list(tenant, filter);
  }
  pipeline::Stats stats() const override { return inner_.stats(); }
  bool ready() const override { return inner_.ready(); }
  std::optional<unsigned> id_slot() const override { return slot_; }

 private:
  pipeline::Pipeline& inner_;
  const std::optional<unsigned>& slot_;
};

constexpr const char* kCustomer = "+4915112345678";
constexpr const char* kSecret = "whsec_test_0123456789";

class InboundModuleTest : public ::testing::Test {
 protected:
  /// Everything that refers to the store, made again after it is reopened.
  struct Parts {
    explicit Parts(StoreFixture& f)
        : contacts_store(*f.store),
          inbound_store(*f.store),
          webhook_store(*f.store),
          audit(*f.store),
          suppressions(*f.store, contacts_store, *f.keys, f.clock),
          contacts(*f.store, contacts_store, *f.keys, f.clock),
          effects(suppressions, contacts) {}
    store::sqlite::SqliteContactStore contacts_store;
    store::sqlite::SqliteInboundStore inbound_store;
    store::sqlite::SqliteWebhookStore webhook_store;
    store::sqlite::SqliteAuditTrail audit;
    contacts::SuppressionService suppressions;
    contacts::ContactService contacts;
    ContactsKeywordEffects effects;
  };

  InboundModuleTest() : f(dir), carrier(FakeCarrier::Behaviour::accepts_all) {
    tenant = f.create_tenant("tn_a");
    other = f.create_tenant("tn_b");
    start();
  }
  ~InboundModuleTest() override { stop(); }

  MoForward forward;  ///< set before start()

  void start() {
    parts = std::make_unique<Parts>(f);
    pipeline = std::make_unique<pipeline::DurablePipeline>(*f.store, *f.keys, f.clock);
    slotted = std::make_unique<SlottedPipeline>(*pipeline, slot);
    InboundModuleConfig config;
    config.webhooks.client.private_hosts = PrivateHosts::allow;
    config.webhooks.client.timeout = 2s;
    config.webhooks.poll = 50ms;
    config.intake.retry_after = 50ms;
    module = std::make_unique<InboundModule>(
        InboundModuleDeps{*f.store, parts->inbound_store, parts->webhook_store, parts->audit,
                          *f.keys, *slotted, parts->effects, f.clock},
        config);
    pipeline->set_event_sink(&module->sink());
    carrier.connect(pipeline->carrier_handlers());
    if (forward) module->intake().set_forward(forward);
    ASSERT_TRUE(module->start());
    ASSERT_TRUE(pipeline->start(carrier));
  }
  void stop() {
    if (pipeline) pipeline->stop();
    if (module) module->stop();
    module.reset();
    slotted.reset();
    pipeline.reset();
    parts.reset();
  }

  contacts::SuppressionService& suppressions() { return parts->suppressions; }
  store::AuditTrail& audit() { return parts->audit; }

  /// Hands an MO to the pipeline as a carrier would; true once acknowledged as durable.
  bool mo(std::string from, std::string to, std::string text) {
    std::promise<bool> acked;
    auto done = acked.get_future();
    pipeline->carrier_handlers().on_inbound(
        carrier::Inbound{"fake", std::move(from), std::move(to), std::move(text)},
        [&acked](bool durable) { acked.set_value(durable); });
    if (done.wait_for(10s) != std::future_status::ready) return false;
    return done.get();
  }

  void settle() {
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(module->intake().wait_idle(10s));
      ASSERT_TRUE(pipeline->wait_idle(10s));
      ASSERT_TRUE(module->webhooks().wait_idle(10s));
    }
  }

  std::vector<carrier::OutboundMessage> sent_to(const std::string& to) {
    std::vector<carrier::OutboundMessage> out;
    for (auto& m : carrier.sent()) {
      if (m.to_e164 == to) out.push_back(m);
    }
    return out;
  }

  void assign(std::uint64_t t, const char* number) {
    ASSERT_TRUE(module->service().assign_number(t, number, "operator:test"));
  }

  /// An MO "Hallo" to 12345 whose webhook event waits: its receiver's port no longer listens.
  void queue_mo_for_a_gone_receiver() {
    std::uint16_t port = 0;
    {
      Receiver gone;
      port = gone.port();
    }
    assign(tenant, "12345");
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
    ASSERT_TRUE(module->service().put_webhook(tenant, url, kSecret, "api_key:1"));
    ASSERT_TRUE(mo(kCustomer, "12345", "Hallo"));
    settle();
  }

  TempDir dir;
  StoreFixture f;
  std::unique_ptr<Parts> parts;
  FakeCarrier carrier;
  std::unique_ptr<pipeline::DurablePipeline> pipeline;
  std::optional<unsigned> slot;  ///< the node's id slot (several nodes)
  std::unique_ptr<SlottedPipeline> slotted;
  std::unique_ptr<InboundModule> module;
  std::uint64_t tenant = 0, other = 0;
};

TEST_F(InboundModuleTest, StopSuppressesAuditsAndIsConfirmedOnce) {
  assign(tenant, "12345");
  ASSERT_TRUE(mo("4915112345678", "12345", "Stopp "));
  settle();
  auto suppressed = suppressions().find(tenant, kCustomer);
  ASSERT_TRUE(suppressed && *suppressed);
  EXPECT_EQ((*suppressed)->source, "sms_keyword");
  EXPECT_FALSE(*suppressions().find(other, kCustomer));  // only this tenant's list

  auto replies = sent_to(kCustomer);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].text, "Sie wurden abgemeldet. / You have been unsubscribed.");
  EXPECT_EQ(replies[0].from.display(), "12345");

  auto trail = audit().events(tenant, 0, 10);
  ASSERT_TRUE(trail);
  ASSERT_GE(trail->size(), 2u);  // number.assigned, suppression.added
  EXPECT_EQ((*trail)[0].action, "suppression.added");
  EXPECT_EQ((*trail)[0].actor, "system:sms_keyword");
  EXPECT_TRUE((*trail)[0].subject_blind);
  EXPECT_EQ((*trail)[0].details.find("4915112345678"), std::string::npos);

  // A second STOP (or the SMSC delivering the first again) gets no second confirmation.
  ASSERT_TRUE(mo("+4915112345678", "12345", "STOP"));
  settle();
  EXPECT_EQ(sent_to(kCustomer).size(), 1u);
  EXPECT_EQ(module->intake().stats().stored, 2u);
  EXPECT_EQ(module->intake().stats().replies, 1u);
}

TEST_F(InboundModuleTest, StoredMessagesAreForwardedOnceKeywordsIncluded) {
  std::mutex mutex;
  std::vector<std::tuple<std::uint64_t, std::string, std::string, std::string>> got;
  stop();
  forward = [&](std::uint64_t t, const std::string& from, const std::string& to,
                const std::string& text) {
    std::lock_guard lock(mutex);
    got.emplace_back(t, from, to, text);
  };
  start();
  assign(tenant, "12345");
  ASSERT_TRUE(mo("4915112345678", "12345", "Wann habt ihr offen?"));
  ASSERT_TRUE(mo("4915112345678", "12345", "STOP"));
  ASSERT_TRUE(mo("4915112345678", "99999", "to nobody"));  // unassigned: dropped, not forwarded
  settle();
  std::lock_guard lock(mutex);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], std::make_tuple(tenant, std::string(kCustomer), std::string("12345"),
                                    std::string("Wann habt ihr offen?")));
  EXPECT_EQ(std::get<3>(got[1]), "STOP");
}

TEST_F(InboundModuleTest, StartLiftsTheKeywordSuppressionAndHelpAnswers) {
  assign(tenant, "+4915199999999");
  ASSERT_TRUE(mo(kCustomer, "4915199999999", "STOP"));
  settle();
  ASSERT_TRUE(*suppressions().find(tenant, kCustomer));
  ASSERT_TRUE(mo(kCustomer, "4915199999999", "anmelden"));
  settle();
  EXPECT_FALSE(*suppressions().find(tenant, kCustomer));
  ASSERT_TRUE(mo(kCustomer, "4915199999999", "Hilfe?"));
  settle();
  auto replies = sent_to(kCustomer);
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_NE(replies[1].text.find("angemeldet"), std::string::npos);
  EXPECT_NE(replies[2].text.find("tn_a"), std::string::npos);  // help names the tenant
  EXPECT_EQ(replies[2].from.display(), "+4915199999999");
}

TEST_F(InboundModuleTest, StartDoesNotLiftTheTenantsOwnSuppression) {
  assign(tenant, "12345");
  ASSERT_TRUE(suppressions().add(tenant, kCustomer, "asked by phone", contacts::kSourceApi));
  ASSERT_TRUE(mo(kCustomer, "12345", "START"));
  settle();
  EXPECT_TRUE(*suppressions().find(tenant, kCustomer));
  EXPECT_TRUE(carrier.sent().empty());  // no "subscribed again" when nothing was lifted
}

TEST_F(InboundModuleTest, UnassignedNumbersAreCountedAndDropped) {
  ASSERT_TRUE(mo(kCustomer, "54321", "STOP"));
  settle();
  EXPECT_EQ(module->intake().stats().unassigned, 1u);
  EXPECT_EQ(module->intake().stats().stored, 0u);
  EXPECT_FALSE(*suppressions().find(tenant, kCustomer));
  EXPECT_TRUE(carrier.sent().empty());
}

TEST_F(InboundModuleTest, NeverRepliesToOneOfOurOwnNumbers) {
  assign(tenant, "12345");
  assign(other, "+4915177777777");  // another tenant's number texts us: a machine
  ASSERT_TRUE(mo("+4915177777777", "12345", "HELP"));
  ASSERT_TRUE(mo("+4915177777777", "12345", "STOP"));
  settle();
  EXPECT_TRUE(carrier.sent().empty());
  EXPECT_TRUE(*suppressions().find(tenant, "+4915177777777"));  // the opt-out still holds
}

TEST_F(InboundModuleTest, InboundMessagesAreListedDecryptedAndNotStoredInClear) {
  assign(tenant, "12345");
  ASSERT_TRUE(mo(kCustomer, "12345", "Wann habt ihr morgen offen?"));
  ASSERT_TRUE(mo(kCustomer, "12345", "Danke!"));
  settle();
  auto page = module->service().inbound(tenant, std::nullopt, 1);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].text, "Danke!");
  EXPECT_EQ(page->items[0].from, kCustomer);
  EXPECT_EQ(page->items[0].to, "12345");
  ASSERT_TRUE(page->next_before);
  auto older = module->service().inbound(tenant, page->next_before, 10);
  ASSERT_EQ(older->items.size(), 1u);
  EXPECT_EQ(older->items[0].text, "Wann habt ihr morgen offen?");
  EXPECT_FALSE(older->next_before);
  EXPECT_TRUE(module->service().inbound(other, std::nullopt, 10)->items.empty());
  stop();
  const std::string db = store::testing::read_file(dir.path() / "diskret.db") +
                         store::testing::read_file(dir.path() / "diskret.db-wal");
  EXPECT_EQ(db.find("Wann habt ihr"), std::string::npos);
  EXPECT_EQ(db.find("4915112345678"), std::string::npos);
}

TEST_F(InboundModuleTest, InboundWebhookIsSignedWithTheTenantsSecret) {
  Receiver receiver(204);
  assign(tenant, "12345");
  auto put = module->service().put_webhook(tenant, receiver.url(), kSecret, "api_key:1");
  ASSERT_TRUE(put) << put.error().message();
  EXPECT_FALSE(put->generated_secret);
  ASSERT_TRUE(mo(kCustomer, "12345", "Stopp "));
  ASSERT_TRUE(receiver.wait_for(1));
  settle();
  auto requests = receiver.requests();
  // The inbound event; the confirmation reply's status events follow.
  const http::Request& r = requests.at(0);
  EXPECT_EQ(r.header("Diskret-Event"), "message.inbound");
  EXPECT_EQ(verify_webhook_signature(r.header("Diskret-Signature"), kSecret, r.body,
                                     f.clock.now_ms() / 1000),
            SignatureCheck::valid);
  const json::object body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("event"), "message.inbound");
  EXPECT_EQ(body.at("from").as_string(), kCustomer);
  EXPECT_EQ(body.at("to"), "12345");
  EXPECT_EQ(body.at("text"), "Stopp ");
  EXPECT_EQ(body.at("keyword"), "stop");
  EXPECT_EQ(module->webhooks().stats().delivered, requests.size());
}

TEST_F(InboundModuleTest, InboundAndEventIdsCarryTheNodesSlot) {
  // Nodes on one PostgreSQL draw ids at the same milliseconds: the slot keeps them apart.
  using pipeline::MessageIdGenerator;
  Receiver receiver(204);
  assign(tenant, "12345");
  ASSERT_TRUE(module->service().put_webhook(tenant, receiver.url(), kSecret, "api_key:1"));
  ASSERT_TRUE(mo(kCustomer, "12345", "ohne Slot"));
  slot = 37;
  ASSERT_TRUE(mo(kCustomer, "12345", "mit Slot"));
  ASSERT_TRUE(receiver.wait_for(2));
  settle();
  auto page = module->service().inbound(tenant, std::nullopt, 10);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].text, "mit Slot");
  const auto with_slot = pipeline::parse_message_id(page->items[0].id);
  const auto without = pipeline::parse_message_id(page->items[1].id);
  ASSERT_TRUE(with_slot && without);
  EXPECT_EQ(MessageIdGenerator::slot_of(*with_slot), 37u);
  EXPECT_LT(without->value, with_slot->value);
  const auto requests = receiver.requests();
  ASSERT_GE(requests.size(), 2u);
  const auto event = pipeline::parse_message_id(requests.back().header("Diskret-Event-Id"));
  ASSERT_TRUE(event);
  EXPECT_EQ(MessageIdGenerator::slot_of(*event), 37u);
}

TEST_F(InboundModuleTest, StatusChangesReachTheWebhook) {
  Receiver receiver(200);
  ASSERT_TRUE(module->service().put_webhook(tenant, receiver.url(), kSecret, "api_key:1"));
  pipeline::AcceptRequest request;
  request.tenant = pipeline::TenantId{tenant};
  pipeline::NewMessage m;
  m.to = kCustomer;
  m.from = "Shop";
  m.text = "Ihr Paket kommt heute";
  m.segments = 1;
  m.encoding = "gsm7";
  request.messages.push_back(m);
  std::promise<Expected<pipeline::AcceptResult>> answer;
  auto accepted = answer.get_future();
  pipeline->accept(std::move(request), pipeline->preassign(1),
                   [&](Expected<pipeline::AcceptResult> r) { answer.set_value(std::move(r)); });
  auto result = accepted.get();
  ASSERT_TRUE(result);
  settle();
  const auto id = result->ids.at(0);
  const auto carrier_ids = carrier.carrier_ids(id.value);
  ASSERT_EQ(carrier_ids.size(), 1u);
  ASSERT_TRUE(carrier.receipt(carrier_ids[0], smpp::ReceiptState::delivered));
  ASSERT_TRUE(receiver.wait_for(2));
  settle();
  auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  std::vector<std::string> statuses;
  for (const auto& r : requests) {
    const json::object body = json::parse(r.body).as_object();
    EXPECT_EQ(body.at("event"), "message.status");
    EXPECT_EQ(body.at("id").as_string(), pipeline::format_message_id(id));
    EXPECT_EQ(body.at("to").as_string(), kCustomer);
    statuses.emplace_back(body.at("status").as_string());
  }
  std::sort(statuses.begin(), statuses.end());
  EXPECT_EQ(statuses, (std::vector<std::string>{"delivered", "submitted"}));
}

TEST_F(InboundModuleTest, FailedDeliveriesAreRetriedWithBackoffAndLogged) {
  Receiver receiver(500);
  assign(tenant, "12345");
  auto put = module->service().put_webhook(tenant, receiver.url(), std::nullopt, "api_key:1");
  ASSERT_TRUE(put);
  ASSERT_TRUE(put->generated_secret);  // diskret chose one and shows it once
  ASSERT_TRUE(mo(kCustomer, "12345", "Hallo"));
  ASSERT_TRUE(receiver.wait_for(1));
  settle();
  auto log = module->service().deliveries(tenant, std::nullopt, std::nullopt, 10);
  ASSERT_TRUE(log);
  ASSERT_EQ(log->items.size(), 1u);
  EXPECT_EQ(log->items[0].status_code, 500);
  EXPECT_EQ(log->items[0].attempt, 1u);
  ASSERT_TRUE(log->items[0].next_attempt_at);
  EXPECT_EQ(*log->items[0].next_attempt_at, f.clock.now() + 10s);

  f.clock.advance(9s);  // not due yet
  module->webhooks().wake();
  settle();
  EXPECT_EQ(receiver.requests().size(), 1u);
  f.clock.advance(1s);
  module->webhooks().wake();
  ASSERT_TRUE(receiver.wait_for(2));
  settle();
  receiver.set_status(204);
  f.clock.advance(30s);
  module->webhooks().wake();
  ASSERT_TRUE(receiver.wait_for(3));
  settle();
  log = module->service().deliveries(tenant, std::nullopt, std::nullopt, 10);
  ASSERT_EQ(log->items.size(), 3u);
  EXPECT_EQ(log->items[0].attempt, 3u);
  EXPECT_EQ(log->items[0].status_code, 204);
  EXPECT_FALSE(log->items[0].next_attempt_at);
  EXPECT_EQ(log->items[1].attempt, 2u);
  EXPECT_EQ(log->items[1].next_attempt_at, f.clock.now() - 30s + 30s);
  auto requests = receiver.requests();
  EXPECT_EQ(requests[0].header("Diskret-Event-Id"), requests[2].header("Diskret-Event-Id"));
  EXPECT_EQ(requests[2].header("Diskret-Delivery-Attempt"), "3");
  EXPECT_EQ(module->webhooks().stats().delivered, 1u);
  EXPECT_EQ(module->webhooks().stats().failed_attempts, 2u);
  // Paging the log with the cursor.
  auto first = module->service().deliveries(tenant, std::nullopt, std::nullopt, 2);
  ASSERT_TRUE(first->next_cursor);
  auto rest = module->service().deliveries(tenant, *first->next_cursor, std::nullopt, 2);
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].attempt, 1u);
}

TEST_F(InboundModuleTest, QueuedEventsSurviveARestart) {
  ASSERT_NO_FATAL_FAILURE(queue_mo_for_a_gone_receiver());
  auto log = module->service().deliveries(tenant, std::nullopt, std::nullopt, 10);
  ASSERT_EQ(log->items.size(), 1u);
  EXPECT_EQ(log->items[0].status_code, 0);
  EXPECT_NE(log->items[0].error.find("connecting"), std::string::npos);

  stop();
  f.open();  // nothing cached
  start();
  // The receiver is back (on the same port) and the retry is due.
  Receiver back;
  ASSERT_TRUE(module->service().put_webhook(tenant, back.url(), kSecret, "api_key:1"));
  f.clock.advance(10s);
  module->webhooks().wake();
  ASSERT_TRUE(back.wait_for(1));
  const json::object body = json::parse(back.requests().at(0).body).as_object();
  EXPECT_EQ(body.at("text"), "Hallo");
}

// The key store cannot answer for a moment (PostgreSQL restarting): the event whose
// subject key cannot be read now stays queued and is sent once it can, not dropped.
TEST_F(InboundModuleTest, AnEventWhoseKeyCannotBeReadNowIsSentLaterNotDropped) {
  ASSERT_NO_FATAL_FAILURE(queue_mo_for_a_gone_receiver());
  stop();
  f.open();  // no key in memory
  auto keys_db = store::sqlite::SqliteDb::open_beside(dir.path() / "keys.db", 5s);
  ASSERT_TRUE(keys_db) << keys_db.error().message();
  ASSERT_TRUE(keys_db->exec("ALTER TABLE subjects RENAME TO subjects_away"));
  start();
  Receiver back;
  ASSERT_TRUE(module->service().put_webhook(tenant, back.url(), kSecret, "api_key:1"));
  f.clock.advance(10s);
  module->webhooks().wake();
  std::this_thread::sleep_for(300ms);  // several polls
  EXPECT_EQ(back.requests().size(), 0u);
  ASSERT_TRUE(keys_db->exec("ALTER TABLE subjects_away RENAME TO subjects"));
  module->webhooks().wake();
  ASSERT_TRUE(back.wait_for(1)) << "the event was dropped while its key was unreadable";
  const json::object body = json::parse(back.requests().at(0).body).as_object();
  EXPECT_EQ(body.at("text"), "Hallo");
}

TEST_F(InboundModuleTest, DeletingTheWebhookDropsPendingEvents) {
  Receiver receiver(500);
  assign(tenant, "12345");
  ASSERT_TRUE(module->service().put_webhook(tenant, receiver.url(), kSecret, "api_key:1"));
  ASSERT_TRUE(mo(kCustomer, "12345", "Hallo"));
  ASSERT_TRUE(receiver.wait_for(1));
  settle();
  ASSERT_EQ(module->service().delete_webhook(tenant, "api_key:1"), true);
  EXPECT_EQ(module->service().delete_webhook(tenant, "api_key:1"), false);
  EXPECT_FALSE(*module->service().webhook(tenant));
  f.clock.advance(1h);
  module->webhooks().wake();
  settle();
  EXPECT_EQ(receiver.requests().size(), 1u);
}

TEST_F(InboundModuleTest, NumbersAreAssignedOncePerTenant) {
  auto n = module->service().assign_number(tenant, "0151 1234 0000", "operator:test");
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(n->number, "+4915112340000");
  EXPECT_TRUE(module->service().assign_number(tenant, "+49 151 12340000", "operator:test"));
  auto taken = module->service().assign_number(other, "+4915112340000", "operator:test");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, make_error_code(diskret::Errc::already_exists));
  auto bad = module->service().assign_number(tenant, "hello", "operator:test");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, make_error_code(Errc::invalid_number));
  EXPECT_EQ(module->service().numbers(tenant)->size(), 1u);
  EXPECT_TRUE(module->service().numbers(other)->empty());
}

TEST_F(InboundModuleTest, TenantKeywordSettingsApply) {
  assign(tenant, "12345");
  auto put = module->service().put_settings(
      tenant, R"({"keywords":{"stop":["AUSTRAGEN"]},"replies":{"stop":"Ausgetragen."}})",
      "api_key:1");
  ASSERT_TRUE(put) << put.error().message();
  ASSERT_TRUE(mo(kCustomer, "12345", "austragen"));
  settle();
  EXPECT_TRUE(*suppressions().find(tenant, kCustomer));
  ASSERT_EQ(sent_to(kCustomer).size(), 1u);
  EXPECT_EQ(sent_to(kCustomer)[0].text, "Ausgetragen.");
  auto bad = module->service().put_settings(tenant, R"({"keywords":{"stop":[]}})", "api_key:1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, make_error_code(Errc::no_stop_keyword));
}

}  // namespace
}  // namespace diskret::inbound
