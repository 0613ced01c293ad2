// CreditCharger inside a real DurablePipeline on SQLite: debits in the commit that stores
// the messages, per-recipient refusal, never a negative balance under concurrent senders,
// refunds for carrier rejections, one low-balance report per crossing.
#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "billing/billing_service.hpp"
#include "billing/credit_charger.hpp"
#include "store/sqlite/sqlite_billing_store.hpp"
#include "unit/pipeline/pipeline_fixture.hpp"

namespace diskret::billing {
namespace {

using pipeline::testing::FakeCarrier;
using pipeline::testing::PipelineFixture;
using pipeline::testing::message;
using pipeline::testing::number;

struct Billing {
  explicit Billing(PipelineFixture& f, std::int64_t low = 0)
      : pipeline(*f.pipeline),
        store(*f.store.store),
        charger(store, *PriceTable::parse(10, {"AT=25"}), low,
                [this](std::uint64_t, std::int64_t) { ++low_reports; }),
        service(*f.store.store, store, f.store.clock, low) {
    f.pipeline->set_charger(&charger);
  }
  // The pipeline's writer calls the charger until it stops: stop it before the charger
  // goes (found by UBSan: a call on the destroyed charger after the test body).
  ~Billing() { pipeline.stop(); }
  pipeline::DurablePipeline& pipeline;
  store::sqlite::SqliteBillingStore store;
  CreditCharger charger;
  BillingService service;
  std::atomic<int> low_reports{0};
};

std::int64_t sum_of(const std::vector<store::LedgerEntryRecord>& entries, const std::string& kind) {
  std::int64_t sum = 0;
  for (const auto& e : entries) {
    if (e.kind == kind) sum += e.amount_cents;
  }
  return sum;
}

TEST(CreditCharger, DebitsAtAcceptanceAndRefusesWhatCannotBePaid) {
  PipelineFixture f(FakeCarrier::Behaviour::never_answers);
  Billing b(f);
  ASSERT_EQ(*b.service.grant(f.tenant.value, 35, "test"), 35);
  auto two_segments = message(number(2));
  two_segments.segments = 2;
  auto r = f.send({message(number(1)), two_segments, message("+436641234567"), message(number(3))});
  ASSERT_TRUE(r) << r.error().message();
  // 10 + 20 paid; Austria costs 25 with 5 left: refused; the next 10 cannot be paid either.
  EXPECT_EQ(r->unpaid, 2u);
  EXPECT_EQ(*b.service.balance(f.tenant.value), 5);
  EXPECT_EQ(f.status(r->ids[0]), pipeline::MessageStatus::accepted);
  EXPECT_EQ(f.status(r->ids[2]), pipeline::MessageStatus::rejected);
  auto view = f.pipeline->get(f.tenant, r->ids[3]);
  ASSERT_TRUE(view);
  ASSERT_TRUE(view->error);
  EXPECT_EQ(view->error->code, kInsufficientCredit);
  auto ledger = b.service.ledger(f.tenant.value, 0, 100);
  ASSERT_TRUE(ledger);
  EXPECT_EQ(ledger->size(), 3u);
  EXPECT_EQ(sum_of(*ledger, "debit"), 30);
}

TEST(CreditCharger, RerendersTheResponseWhenItRefuses) {
  PipelineFixture f(FakeCarrier::Behaviour::never_answers);
  Billing b(f);
  pipeline::AcceptRequest request;
  request.tenant = f.tenant;
  request.messages = {message(number(1))};
  request.response = "before";
  request.render = [](const std::vector<pipeline::NewMessage>& m) {
    return m[0].rejected ? m[0].rejected->code : std::string("paid");
  };
  auto r = f.send(std::move(request));
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->response);
  EXPECT_EQ(*r->response, kInsufficientCredit);
}

TEST(CreditCharger, ConcurrentSendersNeverOverspend) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  Billing b(f, 300);
  constexpr std::int64_t kCredit = 1'000;
  ASSERT_TRUE(b.service.grant(f.tenant.value, kCredit, "test"));
  constexpr int kSenders = 16;
  constexpr int kRequests = 25;
  std::atomic<std::uint64_t> paid{0};
  std::atomic<std::uint64_t> refused{0};
  std::vector<std::future<void>> senders;
  for (int s = 0; s < kSenders; ++s) {
    senders.push_back(std::async(std::launch::async, [&, s] {
      for (int i = 0; i < kRequests; ++i) {
        std::vector<pipeline::NewMessage> batch;
        for (int k = 0; k <= i % 3; ++k) batch.push_back(message(number(s * 1000 + i * 10 + k)));
        const auto n = batch.size();
        auto r = f.send(std::move(batch));
        ASSERT_TRUE(r) << r.error().message();
        refused += r->unpaid;
        paid += n - r->unpaid;
        auto balance = b.service.balance(f.tenant.value);
        ASSERT_TRUE(balance);
        ASSERT_GE(*balance, 0);
      }
    }));
  }
  for (auto& s : senders) s.get();
  const std::int64_t balance = *b.service.balance(f.tenant.value);
  EXPECT_GE(balance, 0);
  EXPECT_LT(balance, 10);  // more was asked than paid: the credit is used up
  EXPECT_EQ(paid.load(), static_cast<std::uint64_t>(kCredit / 10));
  EXPECT_GT(refused.load(), 0u);
  auto ledger = b.service.ledger(f.tenant.value, 0, 10'000);
  ASSERT_TRUE(ledger);
  EXPECT_EQ(sum_of(*ledger, "debit"), static_cast<std::int64_t>(paid.load()) * 10);
  EXPECT_EQ(kCredit - sum_of(*ledger, "debit"), balance);
  f.idle();
  EXPECT_EQ(f.pipeline->stats().accepted, paid.load());
  EXPECT_EQ(b.low_reports.load(), 1);  // 1000 -> below 300 once
}

TEST(CreditCharger, RefundsWhatTheCarrierRejects) {
  PipelineFixture f(FakeCarrier::Behaviour::rejects_destination);
  Billing b(f);
  ASSERT_TRUE(b.service.grant(f.tenant.value, 100, "test"));
  const auto id = f.send_one(number(7));
  f.idle();
  EXPECT_EQ(f.status(id), pipeline::MessageStatus::failed);
  EXPECT_EQ(*b.service.balance(f.tenant.value), 100);
  auto ledger = b.service.ledger(f.tenant.value, 0, 100);
  ASSERT_TRUE(ledger);
  EXPECT_EQ(sum_of(*ledger, "refund"), 10);
  EXPECT_EQ(sum_of(*ledger, "debit"), 10);
}

TEST(BillingService, GrantNeedsAPositiveAmountAndAReason) {
  PipelineFixture f(FakeCarrier::Behaviour::never_answers);
  Billing b(f);
  EXPECT_FALSE(b.service.grant(f.tenant.value, 0, "x"));
  EXPECT_FALSE(b.service.grant(f.tenant.value, 5, ""));
  EXPECT_FALSE(b.service.topup(f.tenant.value, "k", 100, "tok"));  // no vault configured
  EXPECT_EQ(*b.service.balance(f.tenant.value), 0);
}

}  // namespace
}  // namespace diskret::billing
