// The simulator in-process on port 0, driven by a raw SMPP client and plain HTTP.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <regex>
#include <set>
#include <thread>

#include "smpp/delivery_receipt.hpp"
#include "smpp_test_client.hpp"
#include "smsc_sim/simulator.hpp"

namespace diskret::smsc_sim::test {
namespace {

using smpp::CommandId;

class SimulatorTest : public ::testing::Test {
 protected:
  void start(const std::function<void(SimulatorConfig&)>& tweak = {}) {
    static int instance = 0;
    log_path_ = std::filesystem::temp_directory_path() /
                ("smsc_sim_itest_" + std::to_string(::getpid()) + "_" +
                 std::to_string(++instance) + ".jsonl");
    std::filesystem::remove(log_path_);
    SimulatorConfig cfg;
    cfg.listen = {"127.0.0.1", 0};
    cfg.control = {"127.0.0.1", 0};
    cfg.system_id = "acme";
    cfg.password = "secret";
    cfg.log_path = log_path_.string();
    cfg.faults.dlr_delay_ms = 10;
    cfg.faults.redeliver_ms = 10;
    if (tweak) tweak(cfg);
    sim_ = std::make_unique<Simulator>(cfg);
    sim_->start();
  }

  void TearDown() override {
    if (sim_) sim_->stop();
    if (!log_path_.empty()) std::filesystem::remove(log_path_);
  }

  std::unique_ptr<SmppTestClient> bound(CommandId kind = CommandId::bind_transceiver,
                                        const std::string& system_id = "acme") {
    auto c = std::make_unique<SmppTestClient>(sim_->port());
    EXPECT_TRUE(c->connected());
    EXPECT_EQ(c->bind(kind, system_id, "secret"), 0u);
    return c;
  }

  boost::json::object stats() {
    const HttpResult r = http_request(sim_->control_port(), "GET", "/stats");
    EXPECT_EQ(r.status, 200);
    return boost::json::parse(r.body).as_object();
  }

  HttpResult post(const std::string& path, const std::string& json) {
    return http_request(sim_->control_port(), "POST", path, json);
  }

  /// Every JSONL line so far (GET /stats flushes the log first).
  std::vector<boost::json::object> log_lines() {
    stats();
    std::vector<boost::json::object> out;
    std::ifstream in(log_path_);
    std::string line;
    while (std::getline(in, line)) out.push_back(boost::json::parse(line).as_object());
    return out;
  }

  static smpp::Pdu submit(SmppTestClient& c, smpp::SubmitSm s) {
    auto resp = c.call(std::move(s));
    EXPECT_TRUE(resp) << "no submit_sm_resp";
    if (!resp) return {};
    EXPECT_TRUE(std::holds_alternative<smpp::SubmitSmResp>(resp->body));
    return *resp;
  }

  static std::string message_id(const smpp::Pdu& resp) {
    return std::get<smpp::SubmitSmResp>(resp.body).message_id;
  }

  std::unique_ptr<Simulator> sim_;
  std::filesystem::path log_path_;
};

TEST_F(SimulatorTest, BindsWithRightCredentials) {
  start();
  for (auto kind : {CommandId::bind_transmitter, CommandId::bind_receiver,
                    CommandId::bind_transceiver}) {
    SmppTestClient c(sim_->port());
    ASSERT_TRUE(c.connected());
    EXPECT_EQ(c.bind(kind, "acme", "secret"), 0u);
    EXPECT_EQ(c.bind(kind, "acme", "secret"), static_cast<std::uint32_t>(smpp::Status::already_bound));
  }
  EXPECT_EQ(stats().at("binds").as_int64(), 3);
}

TEST_F(SimulatorTest, WrongPasswordGetsBindFailAndClose) {
  start();
  SmppTestClient c(sim_->port());
  EXPECT_EQ(c.bind(CommandId::bind_transceiver, "acme", "wrong"),
            static_cast<std::uint32_t>(smpp::Status::bind_failed));
  EXPECT_TRUE(c.wait_closed());
  EXPECT_EQ(stats().at("binds_bad_credentials").as_int64(), 1);
}

TEST_F(SimulatorTest, SubmitIsAcknowledgedAndLogged) {
  start();
  auto c = bound();
  auto s = make_submit("4915112345678", "Hello", 0);
  s.data_coding = 0;
  const smpp::Pdu resp = submit(*c, s);
  EXPECT_EQ(resp.command_status, 0u);
  const std::string id = message_id(resp);
  EXPECT_FALSE(id.empty());
  EXPECT_NE(message_id(submit(*c, s)), id);

  const auto lines = log_lines();
  ASSERT_EQ(lines.size(), 2u);
  const auto& l = lines[0];
  EXPECT_EQ(l.at("destination_addr").as_string(), "4915112345678");
  EXPECT_EQ(l.at("data_coding").as_int64(), 0);
  EXPECT_EQ(l.at("esm_class").as_int64(), 0);
  EXPECT_EQ(l.at("sm_hex").as_string(), "48656c6c6f");
  EXPECT_EQ(l.at("message_id").as_string(), id);
  EXPECT_EQ(l.at("system_id").as_string(), "acme");
  EXPECT_EQ(l.at("source_addr").as_string(), "Diskret");
  EXPECT_EQ(l.at("source_ton").as_int64(), 5);
  EXPECT_EQ(l.at("resp_status").as_int64(), 0);
  EXPECT_TRUE(l.contains("ts"));
  EXPECT_TRUE(l.contains("session"));
  EXPECT_TRUE(l.contains("registered_delivery"));
}

TEST_F(SimulatorTest, LogsUdhOfConcatenatedParts) {
  start();
  auto c = bound();
  auto s = make_submit("491", std::string("\x05\x00\x03\x07\x02\x01" "abc", 9));
  s.esm_class = 0x40;
  submit(*c, s);
  const auto lines = log_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("sm_hex").as_string(), "050003070201616263");
  EXPECT_EQ(lines[0].at("udh").as_object().at("ref").as_int64(), 7);
  EXPECT_EQ(lines[0].at("udh").as_object().at("total").as_int64(), 2);
  EXPECT_EQ(lines[0].at("udh").as_object().at("part").as_int64(), 1);
}

TEST_F(SimulatorTest, ReceiptArrivesWithIdAndStandardText) {
  start();
  auto c = bound();
  const std::string id = message_id(submit(*c, make_submit("4915112345678", "Your code is 4711", 1)));
  auto dlr = c->next_deliver();
  ASSERT_TRUE(dlr);
  const auto& d = std::get<smpp::DeliverSm>(dlr->body);
  EXPECT_EQ(d.esm_class, 0x04);
  EXPECT_EQ(d.tlvs.receipted_message_id, id);
  EXPECT_EQ(d.tlvs.message_state, smpp::MessageState::delivered);
  EXPECT_EQ(d.source_addr, "4915112345678");
  EXPECT_EQ(d.destination_addr, "Diskret");
  const std::regex format("id:" + id +
                          " sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} "
                          "stat:DELIVRD err:000 text:Your code is 4711");
  EXPECT_TRUE(std::regex_match(d.short_message, format)) << d.short_message;
  // The receipt was answered with status 0 by next_deliver().
  for (int i = 0; i < 100 && stats().at("deliver_resp_ok").as_int64() == 0; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  const auto st = stats();
  EXPECT_EQ(st.at("dlr_sent").as_int64(), 1);
  EXPECT_EQ(st.at("deliver_resp_ok").as_int64(), 1);
}

TEST_F(SimulatorTest, NoReceiptWithoutRegisteredDelivery) {
  start();
  auto c = bound();
  submit(*c, make_submit("491", "x", 0));
  EXPECT_FALSE(c->next_deliver(200ms));
}

TEST_F(SimulatorTest, DlrFailRatioFailsThatShareOfReceipts) {
  start([](SimulatorConfig& cfg) { cfg.faults.dlr_fail_ratio = 0.25; });
  auto c = bound();
  std::map<std::string, std::string> state_by_id;
  for (int i = 0; i < 8; ++i) submit(*c, make_submit("491" + std::to_string(i), "x", 1));
  int undeliv = 0;
  for (int i = 0; i < 8; ++i) {
    auto dlr = c->next_deliver();
    ASSERT_TRUE(dlr) << i;
    const auto r = smpp::parse_receipt(std::get<smpp::DeliverSm>(dlr->body));
    ASSERT_TRUE(r);
    if (r->state == smpp::ReceiptState::undeliverable) {
      ++undeliv;
      EXPECT_EQ(r->error, "001");
    }
  }
  EXPECT_EQ(undeliv, 2);
}

TEST_F(SimulatorTest, ReceiptOnFailureOnlyComesForFailures) {
  start([](SimulatorConfig& cfg) { cfg.faults.dlr_fail_ratio = 0.5; });
  auto c = bound();
  for (int i = 0; i < 4; ++i) submit(*c, make_submit("491", "x", 2));
  int receipts = 0;
  while (auto dlr = c->next_deliver(300ms)) {
    ++receipts;
    EXPECT_NE(std::get<smpp::DeliverSm>(dlr->body).short_message.find("stat:UNDELIV"),
              std::string::npos);
  }
  EXPECT_EQ(receipts, 2);
}

TEST_F(SimulatorTest, ThrottleRatioThrottlesThatShareEvenly) {
  start([](SimulatorConfig& cfg) { cfg.faults.throttle_ratio = 0.1; });
  auto c = bound();
  std::vector<int> throttled;
  for (int i = 1; i <= 100; ++i) {
    const auto resp = submit(*c, make_submit("491", "x"));
    if (resp.command_status == static_cast<std::uint32_t>(smpp::Status::throttled)) {
      throttled.push_back(i);
      EXPECT_TRUE(message_id(resp).empty());
    }
  }
  EXPECT_EQ(throttled, (std::vector<int>{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}));
  const auto st = stats();
  EXPECT_EQ(st.at("throttled").as_int64(), 10);
  EXPECT_EQ(st.at("submits").as_int64(), 90);
  const auto lines = log_lines();
  ASSERT_EQ(lines.size(), 100u);
  EXPECT_EQ(lines[9].at("resp_status").as_int64(), 88);
  EXPECT_TRUE(lines[9].at("message_id").is_null());
}

TEST_F(SimulatorTest, DropEveryResetsTheConnectionAtTheNthSubmit) {
  start([](SimulatorConfig& cfg) { cfg.faults.drop_every = 5; });
  auto c = bound();
  for (int i = 1; i <= 4; ++i) EXPECT_EQ(submit(*c, make_submit("491", "x")).command_status, 0u);
  EXPECT_FALSE(c->call(make_submit("491", "x"), 1s));
  EXPECT_TRUE(c->wait_closed());
  EXPECT_TRUE(c->was_reset());
  const auto st = stats();
  EXPECT_EQ(st.at("dropped").as_int64(), 1);
  EXPECT_EQ(st.at("submits").as_int64(), 4);
  const auto lines = log_lines();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_TRUE(lines[4].at("resp_status").is_null());
  // A new connection counts from one again.
  auto again = bound();
  EXPECT_EQ(submit(*again, make_submit("491", "x")).command_status, 0u);
}

TEST_F(SimulatorTest, RejectPrefixGivesInvalidDestination) {
  start([](SimulatorConfig& cfg) { cfg.faults.reject_prefix = "999"; });
  auto c = bound();
  EXPECT_EQ(submit(*c, make_submit("99912345", "x")).command_status,
            static_cast<std::uint32_t>(smpp::Status::invalid_dest_addr));
  EXPECT_EQ(submit(*c, make_submit("4912345", "x")).command_status, 0u);
}

TEST_F(SimulatorTest, LatencyDelaysTheResponse) {
  start([](SimulatorConfig& cfg) { cfg.faults.latency_ms = 150; });
  auto c = bound();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(submit(*c, make_submit("491", "x")).command_status, 0u);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 140ms);
}

TEST_F(SimulatorTest, RefusesBindsDuringTheWindow) {
  start([](SimulatorConfig& cfg) { cfg.faults.refuse_binds_ms = 60'000; });
  SmppTestClient c(sim_->port());
  EXPECT_EQ(c.bind(CommandId::bind_transceiver, "acme", "secret"),
            static_cast<std::uint32_t>(smpp::Status::bind_failed));
  ASSERT_EQ(post("/fault", R"({"refuse_binds_ms":0})").status, 200);
  EXPECT_EQ(c.bind(CommandId::bind_transceiver, "acme", "secret"), 0u);
}

TEST_F(SimulatorTest, SubmitNeedsATransmitterBind) {
  start();
  SmppTestClient unbound(sim_->port());
  EXPECT_EQ(submit(unbound, make_submit("491", "x")).command_status,
            static_cast<std::uint32_t>(smpp::Status::invalid_bind_status));
  auto rx = bound(CommandId::bind_receiver);
  EXPECT_EQ(submit(*rx, make_submit("491", "x")).command_status,
            static_cast<std::uint32_t>(smpp::Status::invalid_bind_status));
}

TEST_F(SimulatorTest, AnswersEnquireLinkAndUnbind) {
  start();
  auto c = bound();
  auto el = c->call(smpp::EnquireLink{});
  ASSERT_TRUE(el);
  EXPECT_TRUE(std::holds_alternative<smpp::EnquireLinkResp>(el->body));
  auto ub = c->call(smpp::Unbind{});
  ASSERT_TRUE(ub);
  EXPECT_TRUE(std::holds_alternative<smpp::UnbindResp>(ub->body));
  EXPECT_TRUE(c->wait_closed());
}

TEST_F(SimulatorTest, UnknownCommandGetsGenericNack) {
  start();
  SmppTestClient c(sim_->port());
  // command_length 16, command_id 0x00000099 (unknown), status 0, sequence 77
  c.send_raw({0, 0, 0, 16, 0, 0, 0, 0x99, 0, 0, 0, 0, 0, 0, 0, 77});
  auto nack = c.receive();
  ASSERT_TRUE(nack);
  EXPECT_TRUE(std::holds_alternative<smpp::GenericNack>(nack->body));
  EXPECT_EQ(nack->command_status, static_cast<std::uint32_t>(smpp::Status::invalid_command_id));
  EXPECT_EQ(nack->sequence_number, 77u);
  // The session goes on.
  EXPECT_EQ(c.bind(CommandId::bind_transceiver, "acme", "secret"), 0u);
}

TEST_F(SimulatorTest, MalformedPduGetsGenericNackWithCodecStatus) {
  start();
  SmppTestClient c(sim_->port());
  // enquire_link with a 4-byte body it must not have
  c.send_raw({0, 0, 0, 20, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4});
  auto nack = c.receive();
  ASSERT_TRUE(nack);
  EXPECT_TRUE(std::holds_alternative<smpp::GenericNack>(nack->body));
  EXPECT_NE(nack->command_status, 0u);
  EXPECT_EQ(nack->sequence_number, 5u);
}

TEST_F(SimulatorTest, MoAsciiArrivesAsDeliverSm) {
  start();
  auto rx = bound(CommandId::bind_receiver);
  const auto r = post("/mo", R"({"from":"+4915112345678","to":"12345","text":"STOP"})");
  EXPECT_EQ(r.status, 200) << r.body;
  auto mo = rx->next_deliver();
  ASSERT_TRUE(mo);
  const auto& d = std::get<smpp::DeliverSm>(mo->body);
  EXPECT_EQ(d.data_coding, 0);
  EXPECT_EQ(d.esm_class, 0);
  EXPECT_EQ(d.short_message, "STOP");
  EXPECT_EQ(d.source_addr, "4915112345678");
  EXPECT_EQ(d.destination_addr, "12345");
  EXPECT_EQ(stats().at("mo_sent").as_int64(), 1);
}

TEST_F(SimulatorTest, MoNonGsmArrivesAsUcs2) {
  start();
  auto rx = bound(CommandId::bind_transceiver);
  // "Привет" in JSON escapes
  const auto r = post("/mo", R"({"from":"491","to":"12345","text":"\u041f\u0440\u0438\u0432\u0435\u0442"})");
  EXPECT_EQ(r.status, 200) << r.body;
  auto mo = rx->next_deliver();
  ASSERT_TRUE(mo);
  const auto& d = std::get<smpp::DeliverSm>(mo->body);
  EXPECT_EQ(d.data_coding, 8);
  EXPECT_EQ(d.short_message, std::string("\x04\x1f\x04\x40\x04\x38\x04\x32\x04\x35\x04\x42", 12));
}

TEST_F(SimulatorTest, LongMoArrivesInPartsWithUdh) {
  start();
  auto rx = bound(CommandId::bind_receiver);
  const std::string text(300, 'z');
  const auto r = post("/mo", R"({"from":"491","to":"12345","text":")" + text + "\"}");
  EXPECT_EQ(r.status, 200) << r.body;
  std::string joined;
  for (int part = 1; part <= 2; ++part) {
    auto mo = rx->next_deliver();
    ASSERT_TRUE(mo) << part;
    const auto& d = std::get<smpp::DeliverSm>(mo->body);
    EXPECT_EQ(d.esm_class, 0x40);
    ASSERT_GT(d.short_message.size(), 6u);
    EXPECT_EQ(d.short_message[0], 5);
    EXPECT_EQ(d.short_message[4], 2);     // total
    EXPECT_EQ(d.short_message[5], part);  // part number
    joined += d.short_message.substr(6);
  }
  EXPECT_EQ(joined, text);
}

TEST_F(SimulatorTest, MoIsQueuedUntilAReceiverBinds) {
  start();
  auto tx = bound(CommandId::bind_transmitter);
  const auto r = post("/mo", R"({"from":"491","to":"12345","text":"later"})");
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_FALSE(tx->next_deliver(100ms));
  auto rx = bound(CommandId::bind_receiver);
  auto mo = rx->next_deliver();
  ASSERT_TRUE(mo);
  EXPECT_EQ(std::get<smpp::DeliverSm>(mo->body).short_message, "later");
}

TEST_F(SimulatorTest, ReceiptIsQueuedUntilAReceiverBinds) {
  start();
  auto tx = bound(CommandId::bind_transmitter);
  const std::string id = message_id(submit(*tx, make_submit("491", "x", 1)));
  for (int i = 0; i < 200 && stats().at("pending_deliver").as_int64() == 0; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(stats().at("pending_deliver").as_int64(), 1);
  auto rx = bound(CommandId::bind_receiver);
  auto dlr = rx->next_deliver();
  ASSERT_TRUE(dlr);
  EXPECT_EQ(std::get<smpp::DeliverSm>(dlr->body).tlvs.receipted_message_id, id);
}

TEST_F(SimulatorTest, ReceiptGoesToAnotherReceiverOfTheSameSystemId) {
  start();
  auto rx = bound(CommandId::bind_receiver);
  auto tx = bound(CommandId::bind_transmitter);
  const std::string id = message_id(submit(*tx, make_submit("491", "x", 1)));
  auto dlr = rx->next_deliver();
  ASSERT_TRUE(dlr);
  EXPECT_EQ(std::get<smpp::DeliverSm>(dlr->body).tlvs.receipted_message_id, id);
}

TEST_F(SimulatorTest, ReceiptAnsweredWithErrorIsSentAgain) {
  start();
  auto c = bound();
  const std::string id = message_id(submit(*c, make_submit("491", "x", 1)));
  auto first = c->next_deliver(3s, static_cast<std::uint32_t>(smpp::Status::system_error));
  ASSERT_TRUE(first);
  auto second = c->next_deliver();
  ASSERT_TRUE(second);
  EXPECT_EQ(std::get<smpp::DeliverSm>(second->body).tlvs.receipted_message_id, id);
  EXPECT_GE(stats().at("deliver_resp_error").as_int64(), 1);
}

TEST_F(SimulatorTest, UnansweredReceiptGoesToTheNextReceiverAfterDisconnect) {
  start();
  std::string id;
  {
    auto c = bound();
    id = message_id(submit(*c, make_submit("491", "x", 1)));
    ASSERT_TRUE(c->next_deliver(3s, std::nullopt));  // received, never answered
  }  // disconnects
  auto rx = bound(CommandId::bind_receiver);
  auto again = rx->next_deliver();
  ASSERT_TRUE(again);
  EXPECT_EQ(std::get<smpp::DeliverSm>(again->body).tlvs.receipted_message_id, id);
}

TEST_F(SimulatorTest, MessageIdsAreUniqueAcrossSessions) {
  start();
  auto a = bound();
  auto b = bound(CommandId::bind_transmitter);
  std::set<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    ids.insert(message_id(submit(*a, make_submit("491", "x"))));
    ids.insert(message_id(submit(*b, make_submit("491", "x"))));
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST_F(SimulatorTest, StatsCountSubmitsAndTimes) {
  start();
  auto c = bound();
  auto before = stats();
  EXPECT_TRUE(before.at("first_submit_ms").is_null());
  const auto t0 = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  for (int i = 0; i < 3; ++i) submit(*c, make_submit("491", "x"));
  const auto t1 = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  const auto st = stats();
  EXPECT_EQ(st.at("submits").as_int64(), 3);
  EXPECT_GE(st.at("first_submit_ms").as_int64(), t0);
  EXPECT_LE(st.at("first_submit_ms").as_int64(), st.at("last_submit_ms").as_int64());
  EXPECT_LE(st.at("last_submit_ms").as_int64(), t1);
  EXPECT_EQ(st.at("sessions").as_int64(), 1);
  EXPECT_EQ(st.at("binds").as_int64(), 1);
  for (const char* k : {"throttled", "dropped", "dlr_sent", "mo_sent"}) {
    EXPECT_EQ(st.at(k).as_int64(), 0) << k;
  }
  ASSERT_EQ(post("/reset", "").status, 200);
  EXPECT_EQ(stats().at("submits").as_int64(), 0);
}

TEST_F(SimulatorTest, FaultEndpointChangesThrottlingAtRunTime) {
  start();
  auto c = bound();
  EXPECT_EQ(submit(*c, make_submit("491", "x")).command_status, 0u);
  ASSERT_EQ(post("/fault", R"({"throttle_ratio":1})").status, 200);
  EXPECT_EQ(submit(*c, make_submit("491", "x")).command_status,
            static_cast<std::uint32_t>(smpp::Status::throttled));
  ASSERT_EQ(http_request(sim_->control_port(), "POST", "/fault?throttle_ratio=0").status, 200);
  EXPECT_EQ(submit(*c, make_submit("491", "x")).command_status, 0u);
}

TEST_F(SimulatorTest, KickDropsAllConnections) {
  start();
  auto a = bound();
  auto b = bound(CommandId::bind_receiver);
  const auto r = post("/kick", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(a->wait_closed());
  EXPECT_TRUE(b->wait_closed());
  for (int i = 0; i < 100 && stats().at("sessions").as_int64() != 0; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(stats().at("sessions").as_int64(), 0);
}

TEST_F(SimulatorTest, HexIdFormat) {
  start([](SimulatorConfig& cfg) { cfg.id_format = IdFormat::hex; });
  auto c = bound();
  const std::string id = message_id(submit(*c, make_submit("491", "x")));
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{15,16}"))) << id;
}

TEST_F(SimulatorTest, ManyPipelinedSubmitsAllAnsweredOnce) {
  start();
  auto c = bound();
  constexpr int kCount = 2000;
  for (int i = 1; i <= kCount; ++i) c->send({0, c->next_sequence(), make_submit("491", "x")});
  std::set<std::string> ids;
  for (int i = 0; i < kCount; ++i) {
    auto resp = c->receive();
    ASSERT_TRUE(resp) << i;
    ids.insert(message_id(*resp));
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kCount));
}

}  // namespace
}  // namespace diskret::smsc_sim::test
