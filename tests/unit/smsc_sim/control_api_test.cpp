#include "smsc_sim/control_api.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "smpp/pdu_codec.hpp"

namespace diskret::smsc_sim {
namespace {

class Receiver final : public DeliverSink {
 public:
  std::uint64_t session_id() const noexcept override { return 1; }
  const std::string& bound_system_id() const noexcept override { return system_id_; }
  void send_deliver(Outbound&& item) override { received.push_back(std::move(item)); }
  std::vector<Outbound> received;

 private:
  std::string system_id_ = "acme";
};

class ControlApiTest : public ::testing::Test {
 protected:
  ControlApiTest() : core_(config(), clock_), api_(core_, hooks()) {}

  static SimulatorConfig config() {
    SimulatorConfig c;
    c.system_id = "acme";
    return c;
  }
  ControlApi::Hooks hooks() {
    return {[this] {
              ++kicks_;
              return std::size_t{3};
            },
            [] { return std::vector<SessionInfo>{{1, "acme", "transceiver", 5, 0}}; }};
  }
  ControlResponse call(std::string path, std::string body = {}, std::string query = {}) {
    return api_.handle({"POST", std::move(path), std::move(query), "application/json",
                        std::move(body)});
  }
  static boost::json::object json(const ControlResponse& r) {
    return boost::json::parse(r.body).as_object();
  }

  FakeClock clock_;
  SmscCore core_;
  ControlApi api_;
  int kicks_ = 0;
};

TEST_F(ControlApiTest, MoIsQueuedWithoutReceiverAndSentWithOne) {
  auto queued = call("/mo", R"({"from":"+4915112345678","to":"12345","text":"STOP"})");
  EXPECT_EQ(queued.status, 202u);
  EXPECT_EQ(json(queued).at("queued").as_bool(), true);
  EXPECT_EQ(core_.router.pending(), 1u);

  Receiver rx;
  core_.router.add_receiver(rx);  // drains the queue
  ASSERT_EQ(rx.received.size(), 1u);
  EXPECT_EQ(rx.received[0].kind, DeliverKind::mo);
  auto pdu = smpp::decode(rx.received[0].pdu);
  ASSERT_TRUE(pdu);
  EXPECT_EQ(std::get<smpp::DeliverSm>(pdu->body).short_message, "STOP");

  auto sent = call("/mo", {}, "from=491&to=12345&text=hi");
  EXPECT_EQ(sent.status, 200u);
  EXPECT_EQ(json(sent).at("delivered_now").as_bool(), true);
  EXPECT_EQ(rx.received.size(), 2u);
  EXPECT_EQ(core_.counters.mo_requests, 2u);
}

TEST_F(ControlApiTest, MoNeedsFromToText) {
  EXPECT_EQ(call("/mo", R"({"from":"1","to":"2"})").status, 400u);
  EXPECT_EQ(call("/mo", R"({"from":"1","to":"2","text":""})").status, 400u);
}

TEST_F(ControlApiTest, FaultChangesSettingsAndRejectsNonsense) {
  auto r = call("/fault", R"({"throttle_ratio":0.1,"drop_every":50,"latency_ms":5})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_DOUBLE_EQ(core_.faults.settings().throttle_ratio, 0.1);
  EXPECT_EQ(core_.faults.settings().drop_every, 50u);
  EXPECT_EQ(json(r).at("latency_ms").as_int64(), 5);
  EXPECT_EQ(call("/fault", {}, "throttle_ratio=2").status, 400u);
  EXPECT_EQ(call("/fault", {}, "bogus=1").status, 400u);
  EXPECT_DOUBLE_EQ(core_.faults.settings().throttle_ratio, 0.1);
}

TEST_F(ControlApiTest, StatsCarryTheContractFields) {
  core_.counters.submits = 12;
  core_.counters.first_submit_ms = 1000;
  core_.counters.last_submit_ms = 2000;
  core_.counters.throttled = 3;
  core_.counters.binds = 2;
  auto r = api_.handle({"GET", "/stats", "", "", ""});
  ASSERT_EQ(r.status, 200u);
  auto o = json(r);
  EXPECT_EQ(o.at("submits").as_int64(), 12);
  EXPECT_EQ(o.at("first_submit_ms").as_int64(), 1000);
  EXPECT_EQ(o.at("last_submit_ms").as_int64(), 2000);
  EXPECT_EQ(o.at("throttled").as_int64(), 3);
  EXPECT_EQ(o.at("binds").as_int64(), 2);
  EXPECT_EQ(o.at("sessions").as_int64(), 1);
  for (const char* k : {"dropped", "dlr_sent", "mo_sent"}) EXPECT_TRUE(o.contains(k)) << k;
  EXPECT_EQ(o.at("session_list").as_array().size(), 1u);
}

TEST_F(ControlApiTest, FirstAndLastSubmitAreNullBeforeAnySubmit) {
  auto o = json(api_.handle({"GET", "/stats", "", "", ""}));
  EXPECT_TRUE(o.at("first_submit_ms").is_null());
  EXPECT_TRUE(o.at("last_submit_ms").is_null());
}

TEST_F(ControlApiTest, ResetZeroesCountersAndKickUsesHook) {
  core_.counters.submits = 5;
  EXPECT_EQ(call("/reset").status, 200u);
  EXPECT_EQ(core_.counters.submits, 0u);
  auto k = call("/kick");
  EXPECT_EQ(json(k).at("kicked").as_int64(), 3);
  EXPECT_EQ(kicks_, 1);
}

TEST_F(ControlApiTest, UnknownPathIs404) { EXPECT_EQ(call("/nope").status, 404u); }

}  // namespace
}  // namespace diskret::smsc_sim
