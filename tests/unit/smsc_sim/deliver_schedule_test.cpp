#include "smsc_sim/deliver_schedule.hpp"

#include <gtest/gtest.h>

#include "smpp/pdu_codec.hpp"

#include <string>
#include <vector>

namespace diskret::smsc_sim {
namespace {

using Time = DeliverSchedule::Time;
using std::chrono::milliseconds;

Outbound item(std::string marker) {
  smpp::DeliverSm pdu;
  pdu.short_message = std::move(marker);
  return make_outbound(DeliverKind::receipt, "acme", 0, pdu);
}

std::vector<std::string> pop(DeliverSchedule& s, Time now) {
  std::vector<std::string> out;
  s.pop_due(now, [&](Outbound&& o) {
    auto pdu = smpp::decode(o.pdu);
    out.push_back(pdu ? std::get<smpp::DeliverSm>(pdu->body).short_message : "<undecodable>");
  });
  return out;
}

TEST(DeliverSchedule, ReleasesOnlyDueItemsInTimeOrder) {
  DeliverSchedule s;
  const Time t0{std::chrono::seconds{10}};
  s.push(t0 + milliseconds{100}, item("a"));
  s.push(t0 + milliseconds{100}, item("b"));
  s.push(t0 + milliseconds{200}, item("c"));
  EXPECT_EQ(s.next_due(), t0 + milliseconds{100});
  EXPECT_TRUE(pop(s, t0 + milliseconds{99}).empty());
  EXPECT_EQ(pop(s, t0 + milliseconds{150}), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(pop(s, t0 + milliseconds{200}), (std::vector<std::string>{"c"}));
  EXPECT_FALSE(s.next_due());
}

TEST(DeliverSchedule, OutOfOrderPushesStillComeOutSorted) {
  DeliverSchedule s;
  const Time t0{std::chrono::seconds{10}};
  s.push(t0 + milliseconds{1000}, item("slow"));
  s.push(t0 + milliseconds{10}, item("fast"));   // the delay was lowered meanwhile
  s.push(t0 + milliseconds{1000}, item("slow2"));
  s.push(t0 + milliseconds{20}, item("fast2"));
  EXPECT_EQ(s.size(), 4u);
  EXPECT_EQ(pop(s, t0 + milliseconds{5000}),
            (std::vector<std::string>{"fast", "fast2", "slow", "slow2"}));
}

TEST(DeliverSchedule, TellsWhenTheEarliestDueTimeMovesEarlier) {
  DeliverSchedule s;
  int calls = 0;
  s.on_earlier([&] { ++calls; });
  const Time t0{std::chrono::seconds{10}};
  s.push(t0 + milliseconds{100}, item("a"));   // first item: earlier than nothing
  s.push(t0 + milliseconds{200}, item("b"));   // later: no call
  s.push(t0 + milliseconds{50}, item("c"));    // earlier: call
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace diskret::smsc_sim
