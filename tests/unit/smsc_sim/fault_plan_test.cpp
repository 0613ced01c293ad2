#include "smsc_sim/fault_plan.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "smsc_sim/even_spread.hpp"

namespace diskret::smsc_sim {
namespace {

std::vector<int> picked(EvenSpread spread, int events) {
  std::vector<int> out;
  for (int i = 1; i <= events; ++i) {
    if (spread.next()) out.push_back(i);
  }
  return out;
}

TEST(EvenSpread, PicksEveryTenthForOneTenth) {
  EXPECT_EQ(picked(EvenSpread(0.1), 50), (std::vector<int>{10, 20, 30, 40, 50}));
}

TEST(EvenSpread, PicksExactShareOverManyEvents) {
  for (double ratio : {0.0, 0.01, 0.25, 1.0 / 3.0, 0.5, 0.77, 1.0}) {
    EvenSpread spread(ratio);
    int hits = 0;
    for (int i = 0; i < 10'000; ++i) hits += spread.next();
    EXPECT_NEAR(hits, ratio * 10'000, 1.0) << ratio;
  }
}

TEST(EvenSpread, ClampsOutOfRangeRatios) {
  EXPECT_EQ(picked(EvenSpread(-1), 5), std::vector<int>{});
  EXPECT_EQ(picked(EvenSpread(7), 3), (std::vector<int>{1, 2, 3}));
}

TEST(FaultPlan, HappyByDefault) {
  FaultPlan plan;
  for (std::uint64_t n = 1; n <= 1000; ++n) EXPECT_EQ(plan.judge_submit("4915", n), Verdict::accept);
  EXPECT_FALSE(plan.receipt_fails());
  EXPECT_FALSE(plan.slow_ack());
  EXPECT_FALSE(plan.refuses_bind(SteadyTime{}));
}

TEST(FaultPlan, DropsTheNthSubmitOfAConnection) {
  FaultSettings s;
  s.drop_every = 3;
  FaultPlan plan(s);
  EXPECT_EQ(plan.judge_submit("1", 1), Verdict::accept);
  EXPECT_EQ(plan.judge_submit("1", 2), Verdict::accept);
  EXPECT_EQ(plan.judge_submit("1", 3), Verdict::drop);
  EXPECT_EQ(plan.judge_submit("1", 6), Verdict::drop);
}

TEST(FaultPlan, ThrottlesEvenlyAcrossCalls) {
  FaultSettings s;
  s.throttle_ratio = 0.2;
  FaultPlan plan(s);
  std::vector<int> throttled;
  for (int i = 1; i <= 20; ++i) {
    if (plan.judge_submit("1", 1) == Verdict::throttle) throttled.push_back(i);
  }
  EXPECT_EQ(throttled, (std::vector<int>{5, 10, 15, 20}));
}

TEST(FaultPlan, RejectsDestinationsWithPrefix) {
  FaultSettings s;
  s.reject_prefix = "999";
  FaultPlan plan(s);
  EXPECT_EQ(plan.judge_submit("99912", 1), Verdict::reject_destination);
  EXPECT_EQ(plan.judge_submit("49999", 1), Verdict::accept);
}

TEST(FaultPlan, RefusesBindsForAWindow) {
  FaultSettings s;
  s.refuse_binds_ms = 500;
  const SteadyTime t0{std::chrono::seconds{100}};
  FaultPlan plan(s, t0);
  EXPECT_TRUE(plan.refuses_bind(t0 + std::chrono::milliseconds{499}));
  EXPECT_FALSE(plan.refuses_bind(t0 + std::chrono::milliseconds{500}));
  EXPECT_EQ(plan.refusal_remaining(t0 + std::chrono::milliseconds{200}).count(), 300);
}

TEST(FaultPlan, ApplyKeepsSpreadWhenRatioUnchanged) {
  FaultSettings s;
  s.throttle_ratio = 0.5;
  FaultPlan plan(s);
  EXPECT_EQ(plan.judge_submit("1", 1), Verdict::accept);
  s.latency_ms = 5;
  plan.apply(s, SteadyTime{}, RestartRefusal::no);
  EXPECT_EQ(plan.judge_submit("1", 1), Verdict::throttle);  // the spread went on
  EXPECT_TRUE(plan.slow_ack());
}

TEST(FaultPlan, SlowAckDelayIsLatencyPlusJitter) {
  FaultSettings s;
  s.latency_ms = 20;
  s.jitter_ms = 5;
  FaultPlan plan(s);
  for (int i = 0; i < 100; ++i) {
    const auto d = plan.ack_delay().count();
    EXPECT_GE(d, 20);
    EXPECT_LT(d, 25);
  }
}

TEST(FaultParams, ParsesAllNamesIncludingNpmAliases) {
  auto u = parse_fault_params({}, {{"throttle", "0.1"},
                                   {"drop_every", "7"},
                                   {"latency_ms", "3"},
                                   {"jitter_ms", "2"},
                                   {"dlr_delay_ms", "50"},
                                   {"dlr_undeliv_rate", "0.5"},
                                   {"reject_prefix", "999"},
                                   {"redeliver_ms", "10"},
                                   {"refuse_binds_ms", "100"}});
  ASSERT_TRUE(u) << u.error().message();
  EXPECT_DOUBLE_EQ(u->settings.throttle_ratio, 0.1);
  EXPECT_EQ(u->settings.drop_every, 7u);
  EXPECT_EQ(u->settings.latency_ms, 3u);
  EXPECT_EQ(u->settings.jitter_ms, 2u);
  EXPECT_EQ(u->settings.dlr_delay_ms, 50u);
  EXPECT_DOUBLE_EQ(u->settings.dlr_fail_ratio, 0.5);
  EXPECT_EQ(u->settings.reject_prefix, "999");
  EXPECT_EQ(u->settings.redeliver_ms, 10u);
  EXPECT_EQ(u->restart_refusal, RestartRefusal::yes);
}

TEST(FaultParams, KeepsUnmentionedSettings) {
  FaultSettings current;
  current.drop_every = 9;
  auto u = parse_fault_params(current, {{"throttle_ratio", "0"}});
  ASSERT_TRUE(u);
  EXPECT_EQ(u->settings.drop_every, 9u);
  EXPECT_EQ(u->restart_refusal, RestartRefusal::no);
}

TEST(FaultParams, RejectsUnknownNamesAndBadValues) {
  EXPECT_FALSE(parse_fault_params({}, {{"explode", "1"}}));
  EXPECT_FALSE(parse_fault_params({}, {{"throttle_ratio", "1.5"}}));
  EXPECT_FALSE(parse_fault_params({}, {{"throttle_ratio", "abc"}}));
  EXPECT_FALSE(parse_fault_params({}, {{"drop_every", "-1"}}));
  EXPECT_FALSE(parse_fault_params({}, {{"latency_ms", ""}}));
}

}  // namespace
}  // namespace diskret::smsc_sim
