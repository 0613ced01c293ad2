// Bounces end to end inside one process: a mail accepted by SmtpBackend into a real
// DurablePipeline (SQLite in a temp dir), the fake carrier fails or refuses it, the final
// status reaches the BounceNotifier through BounceTee, and the bounce is handed to the
// relay: to the mail's sender, masked number and reason, no SMS text.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <limits>
#include <mutex>
#include <thread>

#include "gateway/bounce_notifier.hpp"
#include "gateway/smtp_backend.hpp"
#include "store/sqlite/sqlite_message_notes.hpp"
#include "tenancy/sql_tenant_service.hpp"
#include "unit/pipeline/pipeline_fixture.hpp"

namespace diskret::gateway {
namespace {

using namespace std::chrono_literals;
using pipeline::testing::FakeCarrier;
using pipeline::testing::PipelineFixture;

struct Outbox {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> mails;  // (to, message)
  std::atomic<bool> down{false};  // the relay refuses every mail
  SendMail sender() {
    return [this](const std::string& to, const std::string& message) -> Expected<void> {
      if (down) return fail(Errc::unavailable, "connection refused");
      std::lock_guard lock(mutex);
      mails.emplace_back(to, message);
      return {};
    };
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return mails.size();
  }
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (count() < n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }
};

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

class BounceFlow {
 public:
  BounceFlow(FakeCarrier::Behaviour behaviour, std::set<std::string> tenants,
             std::function<bool(std::uint64_t)> tenant_wants = {})
      : pf(behaviour), tenants_(std::move(tenants)), tenant_wants_(std::move(tenant_wants)) {
    start();
  }
  ~BounceFlow() { stop(); }

  /// Everything but the carrier and the fake relay goes away; the store is reopened.
  void restart() {
    stop();
    pf.restart();
    start();
  }

  /// A mail from `sender` to one number, accepted (Done without error) by `via` (another
  /// node's backend) or the fixture's.
  void mail(const std::string& sender, SmtpBackend* via = nullptr,
            const std::string& text = "Ihr Termin ist morgen um 9") {
    smtp::Submission s;
    s.tenant.id = "tn_a";
    s.sender_address = sender;
    s.recipients = {"+4915112345678"};
    s.text = text;
    std::promise<Expected<void>> answered;
    (via ? via : backend.get())->submit(std::move(s), [&](Expected<void> r) {
      answered.set_value(std::move(r));
    });
    auto r = answered.get_future().get();
    ASSERT_TRUE(r) << r.error().message();
    pf.idle();
  }
  /// The carrier's receipt for the one message sent.
  void receipt(smpp::ReceiptState state) {
    auto sent = pf.carrier.sent();
    ASSERT_EQ(sent.size(), 1u);
    for (const auto& cid : pf.carrier.carrier_ids(sent[0].message_id)) {
      ASSERT_TRUE(pf.carrier.receipt(cid, state));
    }
    pf.idle();
  }
  /// Bounce rows stored (waiting for an outcome or due).
  std::int64_t stored() {
    auto n = notes->count();
    return n ? static_cast<std::int64_t>(*n) : -1;
  }

  BounceOptions options() {
    BounceOptions o;
    o.tenants = tenants_;
    o.tenant_wants = tenant_wants_;
    o.from = "MAILER-DAEMON@sms.example.com";
    o.reporting_host = "sms.example.com";
    o.sms_domain = "sms.example.com";
    o.retry_first = 60s;
    o.retry_max = 10min;
    o.give_up = 2h;
    o.poll = 20ms;
    return o;
  }

  PipelineFixture pf;
  Outbox outbox;
  std::unique_ptr<tenancy::SqlTenantService> tenants_service;
  std::unique_ptr<store::sqlite::SqliteMessageNotes> notes;
  std::unique_ptr<BounceNotifier> notifier;
  std::unique_ptr<BounceTee> tee;
  std::unique_ptr<SmtpBackend> backend;

 private:
  void start() {
    tenants_service = std::make_unique<tenancy::SqlTenantService>(*pf.store.store,
                                                                  *pf.store.keys, pf.store.clock);
    auto& sqlite = dynamic_cast<store::sqlite::SqliteStore&>(*pf.store.store);
    notes = std::move(*store::sqlite::SqliteMessageNotes::open(sqlite, pf.dir.path() / "diskret.db"));
    notifier = std::make_unique<BounceNotifier>(options(), outbox.sender(), pf.store.clock,
                                                *pf.store.keys, *notes, *notes);
    tee = std::make_unique<BounceTee>(nullptr, *notifier);
    SmtpBackendOptions o;
    o.bounces = notifier.get();
    backend = std::make_unique<SmtpBackend>(*tenants_service, *pf.pipeline, o);
    pf.pipeline->set_event_sink(tee.get());
  }
  void stop() {
    pf.pipeline->set_event_sink(nullptr);
    backend.reset();
    tee.reset();
    notifier.reset();
    notes.reset();
    tenants_service.reset();
  }

  std::set<std::string> tenants_;
  std::function<bool(std::uint64_t)> tenant_wants_;
};

TEST(Bounces, UndeliverableSmsBouncesToTheMailSenderWithoutItsText) {
  BounceFlow f(FakeCarrier::Behaviour::accepts_all, {"tn_a"});
  f.mail("praxis@example.org");
  f.receipt(smpp::ReceiptState::undeliverable);
  ASSERT_TRUE(f.outbox.wait_for(1)) << "no bounce";
  const auto [to, message] = f.outbox.mails.front();
  EXPECT_EQ(to, "praxis@example.org");
  EXPECT_NE(message.find("To: <praxis@example.org>"), std::string::npos);
  EXPECT_NE(message.find("report-type=delivery-status"), std::string::npos);
  EXPECT_NE(message.find("Final-Recipient: rfc822; +49151*****678@sms.example.com"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("Action: failed\r\nStatus: 5.0.0"), std::string::npos) << message;
  EXPECT_EQ(message.find("Termin"), std::string::npos) << "the SMS text is in the bounce";
  EXPECT_EQ(message.find("4915112345678"), std::string::npos) << "the full number is in it";
  EXPECT_TRUE(eventually([&] { return f.notifier->stats().sent == 1; }));
}

TEST(Bounces, CarrierRefusalBouncesAsRejected) {
  BounceFlow f(FakeCarrier::Behaviour::rejects_destination, {"tn_a"});
  f.mail("praxis@example.org");
  ASSERT_TRUE(f.outbox.wait_for(1)) << "no bounce";
  EXPECT_NE(f.outbox.mails.front().second.find("Status: 5.1.1"), std::string::npos);
  EXPECT_NE(f.outbox.mails.front().second.find("was refused and not sent"), std::string::npos);
}

TEST(Bounces, DeliveredMessagesAndTenantsWithoutBouncesGetNone) {
  {
    BounceFlow f(FakeCarrier::Behaviour::accepts_all, {"tn_a"});
    f.mail("praxis@example.org");
    f.receipt(smpp::ReceiptState::delivered);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(f.outbox.count(), 0u);
    EXPECT_EQ(f.notifier->stats().expected, 1u);
  }
  {
    BounceFlow f(FakeCarrier::Behaviour::accepts_all, {});  // off by default
    f.mail("praxis@example.org");
    f.receipt(smpp::ReceiptState::undeliverable);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(f.outbox.count(), 0u);
    EXPECT_EQ(f.notifier->stats().expected, 0u);
  }
  {
    BounceFlow f(FakeCarrier::Behaviour::accepts_all, {"tn_a"});
    f.mail("");  // the null reverse-path: nobody to tell
    f.receipt(smpp::ReceiptState::undeliverable);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(f.outbox.count(), 0u);
  }
}

TEST(Bounces, ATenantsOwnSwitchTurnsThemOnWithoutTheOperatorsList) {
  std::atomic<bool> on{false};
  std::atomic<std::uint64_t> asked{0};
  BounceFlow f(FakeCarrier::Behaviour::rejects_destination, {}, [&](std::uint64_t tenant) {
    asked = tenant;
    return on.load();
  });
  f.mail("praxis@example.org");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(f.outbox.count(), 0u) << "bounce although the tenant's switch is off";
  EXPECT_NE(asked.load(), 0u);
  on = true;
  f.mail("praxis@example.org");
  ASSERT_TRUE(f.outbox.wait_for(1)) << "no bounce with the tenant's switch on";
  EXPECT_EQ(f.outbox.mails.front().first, "praxis@example.org");
}

TEST(Bounces, SurviveARestartBetweenAcceptanceAndFailure) {
  BounceFlow f(FakeCarrier::Behaviour::accepts_all, {"tn_a"});
  f.mail("praxis@example.org");
  EXPECT_EQ(f.stored(), 1) << "the bounce note is not stored with the message";
  f.restart();  // what the notifier kept in memory is gone
  f.receipt(smpp::ReceiptState::undeliverable);
  ASSERT_TRUE(f.outbox.wait_for(1)) << "no bounce after the restart";
  EXPECT_EQ(f.outbox.mails.front().first, "praxis@example.org");
  EXPECT_NE(f.outbox.mails.front().second.find("+49151*****678"), std::string::npos);
  EXPECT_EQ(f.outbox.mails.front().second.find("Termin"), std::string::npos);
  EXPECT_TRUE(eventually([&] { return f.stored() == 0; })) << "a sent bounce stays stored";
}

TEST(Bounces, TheSenderAddressIsStoredSealed) {
  BounceFlow f(FakeCarrier::Behaviour::accepts_all, {"tn_a"});
  f.mail("praxis.sealed@example.org");
  EXPECT_EQ(f.stored(), 1);
  // The database files themselves (main file and write-ahead log): no address in clear.
  std::string bytes;
  for (const char* name : {"diskret.db", "diskret.db-wal"}) {
    std::ifstream in(f.pf.dir.path() / name, std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_GT(bytes.size(), 4096u);
  EXPECT_EQ(bytes.find("praxis.sealed@example.org"), std::string::npos);
  EXPECT_EQ(bytes.find("praxis.sealed"), std::string::npos);
}

TEST(Bounces, ARelayThatIsDownIsRetriedWithBackoffUntilItTakesTheBounce) {
  BounceFlow f(FakeCarrier::Behaviour::rejects_destination, {"tn_a"});
  f.outbox.down = true;
  f.mail("praxis@example.org");
  ASSERT_TRUE(eventually([&] { return f.notifier->stats().send_failures == 1; }));
  std::this_thread::sleep_for(100ms);  // several polls: no new attempt before the backoff
  EXPECT_EQ(f.notifier->stats().send_failures, 1u);
  f.pf.store.clock.advance(61s);
  ASSERT_TRUE(eventually([&] { return f.notifier->stats().send_failures == 2; }));
  f.pf.store.clock.advance(61s);  // the second wait is twice as long
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(f.notifier->stats().send_failures, 2u);
  f.outbox.down = false;
  f.pf.store.clock.advance(60s);
  ASSERT_TRUE(f.outbox.wait_for(1)) << "not retried once the relay is up";
  EXPECT_EQ(f.outbox.mails.front().first, "praxis@example.org");
  EXPECT_TRUE(eventually([&] { return f.notifier->stats().sent == 1; }));
  EXPECT_TRUE(eventually([&] { return f.stored() == 0; }));
}

TEST(Bounces, AreGivenUpAfterABoundedTime) {
  BounceFlow f(FakeCarrier::Behaviour::rejects_destination, {"tn_a"});
  f.outbox.down = true;
  f.mail("praxis@example.org");
  ASSERT_TRUE(eventually([&] { return f.notifier->stats().send_failures == 1; }));
  f.pf.store.clock.advance(2h);
  ASSERT_TRUE(eventually([&] { return f.notifier->stats().given_up == 1; }));
  EXPECT_TRUE(eventually([&] { return f.stored() == 0; }));
  f.outbox.down = false;
  f.pf.store.clock.advance(1h);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(f.outbox.count(), 0u);
}

// Multi-node mode: the mail came in at another node (its notifier wrote the note), the
// final status is written here. The bounce still goes out, once, though both nodes'
// workers look for due bounces.
TEST(Bounces, AMailTakenByAnotherNodeBouncesOnce) {
  BounceFlow f(FakeCarrier::Behaviour::accepts_all, {"tn_a"});
  auto& sqlite = dynamic_cast<store::sqlite::SqliteStore&>(*f.pf.store.store);
  auto peer_notes =
      std::move(*store::sqlite::SqliteMessageNotes::open(sqlite, f.pf.dir.path() / "diskret.db"));
  BounceNotifier peer(f.options(), f.outbox.sender(), f.pf.store.clock, *f.pf.store.keys,
                      *peer_notes, *peer_notes);
  SmtpBackendOptions o;
  o.bounces = &peer;
  SmtpBackend peer_backend(*f.tenants_service, *f.pf.pipeline, o);
  f.mail("praxis@example.org", &peer_backend);
  EXPECT_EQ(f.stored(), 1);
  f.receipt(smpp::ReceiptState::undeliverable);
  ASSERT_TRUE(f.outbox.wait_for(1)) << "the node that wrote the final status did not see the note";
  std::this_thread::sleep_for(200ms);  // both workers poll every 20 ms
  EXPECT_EQ(f.outbox.count(), 1u) << "sent by both nodes";
  EXPECT_EQ(f.notifier->stats().sent + peer.stats().sent, 1u);
  EXPECT_TRUE(eventually([&] { return f.stored() == 0; }));
}

}  // namespace
}  // namespace diskret::gateway
