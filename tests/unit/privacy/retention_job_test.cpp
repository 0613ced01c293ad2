#include "privacy/retention_job.hpp"

#include <gtest/gtest.h>

#include "unit/privacy/privacy_stack.hpp"

namespace diskret::privacy {
namespace {

using testing::must;
using testing::Stack;
using testing::TempDir;

constexpr const char* kAnna = "+4915112345678";
constexpr auto kDay = std::chrono::hours(24);

class RetentionJobTest : public ::testing::Test {
 protected:
  RetentionJobTest() {
    tenant_ = s_.p.create_tenant("tn_a");
    job_ = std::make_unique<RetentionJob>(s_.context(), metrics_, 3);  // small batches
  }
  pipeline::Payload payload(std::uint64_t id) {
    auto m = must(s_.p.store->message(tenant_, id));
    EXPECT_TRUE(m.has_value());
    return must(pipeline::open_payload(*s_.p.keys, *m));
  }
  store::PrivacyRow row(store::RowTable t, std::uint64_t id) {
    auto r = must(s_.rows->row(t, tenant_, id));
    EXPECT_TRUE(r.has_value());
    return *r;
  }
  void set_policy(const RetentionPolicy& p) {
    auto tx = must(s_.p.store->begin());
    must(s_.rows->put_retention_settings(*tx, tenant_, to_json(p), clock_.now_ms()));
    must(tx->commit());
  }

  TempDir dir_;
  FakeClock clock_;
  Stack s_{dir_, clock_};
  RetentionMetrics metrics_;
  std::unique_ptr<RetentionJob> job_;
  std::uint64_t tenant_ = 0;
};

TEST_F(RetentionJobTest, RemovesTextsAfterThirtyDaysAndNumbersAfterNinety) {
  const auto old = s_.send(tenant_, kAnna, "alt");                 // day 0
  clock_.advance(60 * kDay);
  const auto middle = s_.send(tenant_, kAnna, "mittel");           // day 60
  clock_.advance(25 * kDay);
  const auto fresh = s_.send(tenant_, kAnna, "frisch");            // day 85
  clock_.advance(6 * kDay);                                        // now: day 91

  auto counts = must(job_->run_once());
  EXPECT_EQ(counts.message_numbers, 1u);
  EXPECT_EQ(counts.message_texts, 1u);
  EXPECT_EQ(payload(old).to, "");
  EXPECT_EQ(payload(old).text, "");
  EXPECT_FALSE(row(store::RowTable::messages, old).subject_id.has_value());
  EXPECT_EQ(payload(middle).to, kAnna);
  EXPECT_EQ(payload(middle).text, "");
  EXPECT_EQ(payload(middle).client_ref, "");
  EXPECT_EQ(payload(fresh).text, "frisch");
  // Nothing left to do: the next run scrubs nothing.
  EXPECT_EQ(must(job_->run_once()).total(), 0u);
  EXPECT_EQ(metrics_.runs_ok.load(), 2u);
  EXPECT_EQ(metrics_.message_texts.load(), 1u);
  EXPECT_EQ(metrics_.last_success_ms.load(), clock_.now_ms());
  const auto text = metrics_.prometheus();
  EXPECT_NE(text.find("diskret_retention_runs_total{result=\"ok\"} 2"), std::string::npos);
  EXPECT_NE(text.find("diskret_retention_rows_scrubbed_total{kind=\"message_number\"} 1"), std::string::npos);
  EXPECT_NE(text.find("diskret_retention_last_success_timestamp_seconds"), std::string::npos);
}

TEST_F(RetentionJobTest, MessagesOnTheirWayWaitAndAreTakenLater) {
  const auto waiting = s_.send(tenant_, kAnna, "unterwegs", store::state::kSubmitted);
  clock_.advance(40 * kDay);
  EXPECT_EQ(must(job_->run_once()).total(), 0u);
  EXPECT_EQ(payload(waiting).text, "unterwegs");
  EXPECT_EQ(must(s_.rows->pending(tenant_, "message_text")).size(), 1u);
  // The receipt comes at last; 31 days later the text goes.
  {
    auto tx = must(s_.p.store->begin());
    ASSERT_TRUE(must(tx->finish(waiting, store::state::kDelivered, "", "", clock_.now_ms())));
    must(tx->commit());
  }
  clock_.advance(31 * kDay);
  EXPECT_EQ(must(job_->run_once()).message_texts, 1u);
  EXPECT_EQ(payload(waiting).text, "");
  EXPECT_TRUE(must(s_.rows->pending(tenant_, "message_text")).empty());
}

TEST_F(RetentionJobTest, ShorteningAPeriodAppliesToStoredMessages) {
  const auto id = s_.send(tenant_, kAnna, "zehn Tage alt");
  clock_.advance(10 * kDay);
  EXPECT_EQ(must(job_->run_once()).total(), 0u);
  set_policy(RetentionPolicy{Days{7}, Days{9}, Days{7}, Days{9}});
  EXPECT_EQ(must(job_->run_once()).message_numbers, 1u);
  EXPECT_EQ(payload(id).to, "");
}

TEST_F(RetentionJobTest, InboundFollowsItsOwnPeriods) {
  set_policy(RetentionPolicy{Days{30}, Days{90}, Days{5}, Days{10}});
  const auto mo = s_.receive(tenant_, kAnna, "JA");
  clock_.advance(6 * kDay);
  EXPECT_EQ(must(job_->run_once()).inbound_texts, 1u);
  auto key = must(s_.p.keys->subject_key(tenant_, *row(store::RowTable::inbound, mo).subject_id));
  auto plain = must(inbound::open_mo(key, tenant_, mo, row(store::RowTable::inbound, mo).payload));
  EXPECT_EQ(plain.from, kAnna);
  EXPECT_EQ(plain.text, "");
  clock_.advance(5 * kDay);
  EXPECT_EQ(must(job_->run_once()).inbound_numbers, 1u);
  EXPECT_FALSE(row(store::RowTable::inbound, mo).subject_id.has_value());
}

TEST_F(RetentionJobTest, RunsAreAuditedPerTenant) {
  s_.send(tenant_, kAnna, "x");
  clock_.advance(31 * kDay);
  must(job_->run_once());
  auto entries = must(s_.audit->page({.tenant_id = tenant_, .limit = 5}));
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].action, "retention.scrubbed");
  EXPECT_EQ(entries[0].actor, "system:retention");
}

TEST_F(RetentionJobTest, BackgroundThreadRunsAndStops) {
  job_->start(std::chrono::hours(1));
  for (int i = 0; i < 2000 && metrics_.runs_ok.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  job_->stop();
  EXPECT_EQ(metrics_.runs_ok.load(), 1u);
}

}  // namespace
}  // namespace diskret::privacy
