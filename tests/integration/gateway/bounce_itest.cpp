// Bounces end to end inside one process: a mail accepted by SmtpBackend into a real
// DurablePipeline (SQLite in a temp dir), the fake carrier fails or refuses it, the final
// status reaches the BounceNotifier through BounceTee, and the bounce is handed to the
// relay: to the mail's sender, masked number and reason, no SMS text.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include "gateway/bounce_notifier.hpp"
#include "gateway/smtp_backend.hpp"
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
  SendMail sender() {
    return [this](const std::string& to, const std::string& message) -> Expected<void> {
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

class BounceFlow {
 public:
  BounceFlow(FakeCarrier::Behaviour behaviour, std::set<std::string> tenants,
             std::function<bool(std::uint64_t)> tenant_wants = {})
      : pf(behaviour),
        tenants_service(*pf.store.store, *pf.store.keys, pf.store.clock),
        notifier(options(std::move(tenants), std::move(tenant_wants)), outbox.sender(),
                 pf.store.clock),
        tee(nullptr, notifier),
        backend(tenants_service, *pf.pipeline, backend_options()) {
    pf.pipeline->set_event_sink(&tee);
  }
  ~BounceFlow() { pf.pipeline->set_event_sink(nullptr); }

  /// A mail from `sender` to one number, accepted (Done without error).
  void mail(const std::string& sender, const std::string& text = "Ihr Termin ist morgen um 9") {
    smtp::Submission s;
    s.tenant.id = "tn_a";
    s.sender_address = sender;
    s.recipients = {"+4915112345678"};
    s.text = text;
    std::promise<Expected<void>> answered;
    backend.submit(std::move(s), [&](Expected<void> r) { answered.set_value(std::move(r)); });
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

  static BounceOptions options(std::set<std::string> tenants,
                               std::function<bool(std::uint64_t)> tenant_wants) {
    BounceOptions o;
    o.tenants = std::move(tenants);
    o.tenant_wants = std::move(tenant_wants);
    o.from = "MAILER-DAEMON@sms.example.com";
    o.reporting_host = "sms.example.com";
    o.sms_domain = "sms.example.com";
    return o;
  }
  SmtpBackendOptions backend_options() {
    SmtpBackendOptions o;
    o.bounces = &notifier;
    return o;
  }

  PipelineFixture pf;
  tenancy::SqlTenantService tenants_service;
  Outbox outbox;
  BounceNotifier notifier;
  BounceTee tee;
  SmtpBackend backend;
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
  EXPECT_EQ(f.notifier.stats().sent, 1u);
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
    EXPECT_EQ(f.notifier.stats().expected, 1u);
  }
  {
    BounceFlow f(FakeCarrier::Behaviour::accepts_all, {});  // off by default
    f.mail("praxis@example.org");
    f.receipt(smpp::ReceiptState::undeliverable);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(f.outbox.count(), 0u);
    EXPECT_EQ(f.notifier.stats().expected, 0u);
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

}  // namespace
}  // namespace diskret::gateway
