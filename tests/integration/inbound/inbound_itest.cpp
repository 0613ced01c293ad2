// End to end (issue 4): build/bin/diskret serve against build/bin/diskret-smsc. A tenant
// with a short code sends marketing to a consented contact; the contact answers "Stopp "
// (injected through the simulator's control endpoint as an MO). The next marketing message
// is rejected as suppressed, exactly one confirmation SMS went out (the simulator's JSONL
// log), and the tenant's webhook (a server in this test) got the inbound message, signed.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "core/hex.hpp"
#include "inbound/webhook_signature.hpp"
#include "integration/http/raw_client.hpp"
#include "integration/serve/process.hpp"
#include "unit/inbound/webhook_receiver.hpp"

namespace diskret {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using inbound::testing::Receiver;
using test::Background;
using test::RawClient;

const std::string kBin = DISKRET_BIN_DIR;
constexpr const char* kSecret = "whsec_end_to_end_0123";
constexpr const char* kCustomer = "+4915123456789";
constexpr const char* kConfirmation = "Sie wurden abgemeldet. / You have been unsubscribed.";

std::string request(std::string_view method, std::string_view path, std::string_view body,
                    const std::string& key) {
  return std::string(method) + " " + std::string(path) +
         " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nAuthorization: Bearer " +
         key + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         std::string(body);
}

template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

class InboundEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(kBin + "/diskret-smsc")) << "build the diskret-smsc target";
    ASSERT_TRUE(fs::exists(kBin + "/diskret")) << "build the diskret target";
    char pattern[] = "/tmp/diskret-inbound-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    server_.reset();
    smsc_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  void start_smsc() {
    smsc_ = std::make_unique<Background>(
        std::vector<std::string>{kBin + "/diskret-smsc", "--listen", "127.0.0.1:0", "--control",
                                 "127.0.0.1:0", "--system-id", "diskret", "--password", "secret",
                                 "--dlr-delay-ms", "20", "--log", dir_ + "/smsc.jsonl"},
        dir_ + "/smsc.out", dir_ + "/smsc.err");
    auto line = smsc_->wait_for(false, "SMPP on 127.0.0.1:", 10s);
    ASSERT_TRUE(line) << smsc_->err();
    smpp_port_ = line->substr(0, line->find_first_not_of("0123456789"));
    const auto control = line->find("control on http://127.0.0.1:");
    ASSERT_NE(control, std::string::npos) << *line;
    control_port_ = static_cast<std::uint16_t>(
        std::stoi(line->substr(control + std::string("control on http://127.0.0.1:").size())));
  }

  void write_config() {
    config_ = dir_ + "/diskret.toml";
    std::ofstream(config_) << "[server]\ndata_dir = \"" << dir_ << "/var\"\n"
                           << "http_listen = \"127.0.0.1:0\"\nsmtp_listen = \"127.0.0.1:0\"\n"
                           << "smpp_listen = \"127.0.0.1:0\"\n"
                           << "[billing]\nenabled = false\n"
                           << "[webhooks]\nallow_private_hosts = true\n"
                           << "[[smsc]]\nname = \"sim\"\nport = " << smpp_port_ << "\n";
  }

  test::RunResult diskret(std::vector<std::string> args) {
    args.insert(args.begin(), kBin + "/diskret");
    return test::run(args, dir_);
  }

  std::pair<std::string, std::string> create_tenant(const std::string& name) {
    auto r = diskret({"tenant", "create", "--config", config_, "--name", name, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto o = json::parse(r.out).as_object();
    return {std::string(o.at("tenant_id").as_string()), std::string(o.at("api_key").as_string())};
  }

  std::uint16_t start_server() {
    server_ = std::make_unique<Background>(
        std::vector<std::string>{kBin + "/diskret", "serve", "--config", config_},
        dir_ + "/serve.out", dir_ + "/serve.err");
    auto line = server_->wait_for(true, "listening on http://127.0.0.1:", 20s);
    EXPECT_TRUE(line) << server_->err();
    return line ? static_cast<std::uint16_t>(std::stoi(*line)) : 0;
  }

  /// POST /mo on the simulator's control endpoint: an MO from a handset.
  void inject_mo(const std::string& from, const std::string& to, const std::string& text) {
    RawClient control(control_port_);
    const std::string body =
        json::serialize(json::object{{"from", from}, {"to", to}, {"text", text}});
    auto r = control.request(test::post("/mo", body));
    ASSERT_TRUE(r);
    ASSERT_LT(r->status, 300) << r->body;
  }

  /// Submits in the simulator's log to `destination_addr` (digits as sent).
  std::vector<json::object> submits_to(const std::string& destination) {
    RawClient control(control_port_);
    (void)control.request(test::post("/flush", "{}"));
    std::vector<json::object> out;
    std::ifstream log(dir_ + "/smsc.jsonl");
    for (std::string line; std::getline(log, line);) {
      if (line.empty()) continue;
      auto o = json::parse(line).as_object();
      if (o.at("destination_addr").as_string() == destination) out.push_back(std::move(o));
    }
    return out;
  }

  static std::string text_of(const json::object& submit) {
    auto bytes = from_hex(std::string_view(submit.at("sm_hex").as_string()));
    return bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
  }

  std::string dir_, config_, smpp_port_;
  std::uint16_t control_port_ = 0;
  std::unique_ptr<Background> smsc_;
  std::unique_ptr<Background> server_;
};

TEST_F(InboundEndToEnd, StoppSuppressesConfirmsOnceAndReachesTheSignedWebhook) {
  ASSERT_NO_FATAL_FAILURE(start_smsc());
  write_config();
  auto [tenant, key] = create_tenant("Laden GmbH");
  auto [other_tenant, other_key] = create_tenant("Andere AG");

  // The operator assigns the short code; again is fine, to another tenant is refused.
  auto assigned = diskret(
      {"number", "assign", "--config", config_, "--tenant", tenant, "--number", "12345", "--json"});
  ASSERT_EQ(assigned.exit_code, 0) << assigned.err;
  EXPECT_EQ(json::parse(assigned.out).at("kind").as_string(), "short_code");
  EXPECT_EQ(
      diskret({"number", "assign", "--config", config_, "--tenant", tenant, "--number", "12345"})
          .exit_code,
      0);
  auto taken = diskret(
      {"number", "assign", "--config", config_, "--tenant", other_tenant, "--number", "12345"});
  EXPECT_EQ(taken.exit_code, 1);
  EXPECT_NE(taken.err.find("another tenant"), std::string::npos) << taken.err;
  EXPECT_EQ(diskret({"number", "assign", "--config", config_, "--tenant", tenant}).exit_code, 2);

  const auto port = start_server();
  ASSERT_NE(port, 0);
  RawClient api(port);
  ASSERT_TRUE(eventually([&] { return api.request(test::get("/readyz"))->status == 200; }))
      << server_->err();

  auto numbers = api.request(request("GET", "/v1/numbers", "", key));
  ASSERT_EQ(numbers->status, 200) << numbers->body;
  EXPECT_EQ(json::parse(numbers->body).at("data").at(0).at("number").as_string(), "12345");
  EXPECT_TRUE(json::parse(api.request(request("GET", "/v1/numbers", "", other_key))->body)
                  .at("data")
                  .as_array()
                  .empty());

  Receiver webhook(204);
  auto put = api.request(request(
      "PUT", "/v1/webhooks",
      json::serialize(json::object{{"url", webhook.url("/diskret")}, {"secret", kSecret}}), key));
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(json::parse(put->body).at("secret_set"), true);
  EXPECT_FALSE(json::parse(put->body).as_object().contains("secret"));  // never echoed

  // A consented contact, then marketing to it.
  auto contact = api.request(
      request("POST", "/v1/contacts",
              R"({"phone":"0151 23456789","first_name":"Erika","consent":{"purpose":"marketing",)"
              R"("source":"web_form","wording":"Ja, ich möchte Angebote per SMS.",)"
              R"("obtained_at":"2024-03-01T10:00:00Z"}})",
              key));
  ASSERT_EQ(contact->status, 201) << contact->body;
  const std::string marketing =
      R"({"to":"0151 23456789","text":"Sommerschlussverkauf: 20 % auf alles!","from":"Laden",)"
      R"("category":"marketing"})";
  auto first = api.request(request("POST", "/v1/messages", marketing, key));
  ASSERT_EQ(first->status, 202) << first->body;
  EXPECT_EQ(json::parse(first->body).at("messages").at(0).at("status").as_string(), "accepted")
      << first->body;
  ASSERT_TRUE(eventually([&] { return submits_to("4915123456789").size() == 1; }));

  // The contact answers: "Stopp " with a trailing blank, from the handset to the short code.
  ASSERT_NO_FATAL_FAILURE(inject_mo("4915123456789", "12345", "Stopp "));

  // The webhook gets the inbound message, signed with the tenant's secret.
  std::optional<json::object> inbound_event;
  ASSERT_TRUE(eventually([&] {
    for (const auto& r : webhook.requests()) {
      if (r.header("Diskret-Event") != "message.inbound") continue;
      EXPECT_EQ(inbound::verify_webhook_signature(r.header("Diskret-Signature"), kSecret, r.body,
                                                  std::time(nullptr)),
                inbound::SignatureCheck::valid);
      inbound_event = json::parse(r.body).as_object();
      return true;
    }
    return false;
  })) << server_->err();
  EXPECT_EQ(inbound_event->at("event").as_string(), "message.inbound");
  EXPECT_EQ(inbound_event->at("from").as_string(), kCustomer);
  EXPECT_EQ(inbound_event->at("to").as_string(), "12345");
  EXPECT_EQ(inbound_event->at("text").as_string(), "Stopp ");
  EXPECT_FALSE(inbound_event->at("received_at").as_string().empty());

  // The number is on the tenant's suppression list (source sms_keyword) ...
  ASSERT_TRUE(eventually([&] {
    auto entry = api.request(request("GET", "/v1/suppressions/%2B4915123456789", "", key));
    return entry && entry->status == 200;
  }));
  auto entry = api.request(request("GET", "/v1/suppressions/%2B4915123456789", "", key));
  EXPECT_NE(entry->body.find("sms_keyword"), std::string::npos) << entry->body;
  // ... so the next marketing message to it is rejected: suppressed.
  auto next = api.request(request("POST", "/v1/messages", marketing, key));
  ASSERT_EQ(next->status, 202) << next->body;
  const auto rejected = json::parse(next->body).at("messages").at(0).as_object();
  EXPECT_EQ(rejected.at("status").as_string(), "rejected") << next->body;
  EXPECT_EQ(rejected.at("error").at("code").as_string(), "suppressed") << next->body;

  // Exactly one confirmation went out, from the short code; a second STOP adds none.
  ASSERT_TRUE(eventually([&] { return submits_to("4915123456789").size() == 2; }));
  ASSERT_NO_FATAL_FAILURE(inject_mo("4915123456789", "12345", "STOP"));
  ASSERT_TRUE(eventually([&] {
    auto list = api.request(request("GET", "/v1/inbound", "", key));
    return list && list->status == 200 && json::parse(list->body).at("data").as_array().size() == 2;
  }));
  ASSERT_TRUE(eventually([&] {
    std::size_t inbound_events = 0;
    for (const auto& r : webhook.requests())
      inbound_events += r.header("Diskret-Event") == "message.inbound";
    return inbound_events == 2;
  }));
  std::this_thread::sleep_for(500ms);  // room for a (wrong) second confirmation to show up
  const auto submits = submits_to("4915123456789");
  ASSERT_EQ(submits.size(), 2u);
  EXPECT_EQ(text_of(submits[1]), kConfirmation);
  EXPECT_EQ(submits[1].at("source_addr").as_string(), "12345");
  EXPECT_NE(text_of(submits[0]).find("STOP an 12345"), std::string::npos);  // opt-out text

  // GET /v1/inbound shows both MOs, newest first, with the keyword; the delivery log has
  // one successful attempt per event.
  auto list = json::parse(api.request(request("GET", "/v1/inbound", "", key))->body);
  const auto& data = list.at("data").as_array();
  EXPECT_EQ(data.at(0).at("text").as_string(), "STOP");
  EXPECT_EQ(data.at(1).at("text").as_string(), "Stopp ");
  EXPECT_EQ(data.at(1).at("keyword").as_string(), "stop");
  EXPECT_EQ(data.at(1).at("from").as_string(), kCustomer);
  EXPECT_TRUE(json::parse(api.request(request("GET", "/v1/inbound", "", other_key))->body)
                  .at("data")
                  .as_array()
                  .empty());
  auto deliveries =
      json::parse(api.request(request("GET", "/v1/webhooks/deliveries", "", key))->body);
  ASSERT_FALSE(deliveries.at("data").as_array().empty());
  for (const auto& d : deliveries.at("data").as_array()) {
    EXPECT_EQ(d.at("status_code").as_int64(), 204);
    EXPECT_TRUE(d.at("next_attempt_at").is_null());
  }

  // Logs show numbers masked at most, never texts.
  const std::string log = server_->err();
  EXPECT_EQ(log.find("4915123456789"), std::string::npos);
  EXPECT_EQ(log.find("Stopp"), std::string::npos);
  EXPECT_EQ(log.find("Sommerschlussverkauf"), std::string::npos);
  EXPECT_EQ(server_->stop(SIGTERM, 20s), 0) << server_->err();
}

TEST_F(InboundEndToEnd, WebhookSettingsAreValidatedAndScopedToTheTenant) {
  ASSERT_NO_FATAL_FAILURE(start_smsc());
  write_config();
  auto [tenant, key] = create_tenant("Hooks KG");
  const auto port = start_server();
  ASSERT_NE(port, 0);
  RawClient api(port);

  auto get = api.request(request("GET", "/v1/webhooks", "", key));
  EXPECT_EQ(get->status, 404);
  for (const char* bad :
       {R"({"url":"ftp://example.com/"})", R"({"url":"https://user:pw@example.com/"})",
        R"({"url":"https://example.com/","secret":"short"})",
        R"({"url":"https://example.com/","extra":1})", R"({"secret":"x"})"}) {
    auto r = api.request(request("PUT", "/v1/webhooks", bad, key));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << bad << " -> " << r->body;
    EXPECT_EQ(r->header("Content-Type"), "application/problem+json");
  }
  auto crlf = api.request(
      request("PUT", "/v1/webhooks", R"({"url":"https://example.com/\r\nX-Evil: 1"})", key));
  EXPECT_EQ(crlf->status, 422) << crlf->body;

  // Without a secret diskret makes one and shows it once.
  auto put = api.request(
      request("PUT", "/v1/webhooks", R"({"url":"https://hooks.example.com/diskret"})", key));
  ASSERT_EQ(put->status, 200) << put->body;
  const auto secret = json::parse(put->body).at("secret").as_string();
  EXPECT_GE(secret.size(), 16u);
  get = api.request(request("GET", "/v1/webhooks", "", key));
  ASSERT_EQ(get->status, 200);
  EXPECT_EQ(json::parse(get->body).at("url").as_string(), "https://hooks.example.com/diskret");
  EXPECT_EQ(get->body.find(std::string(secret)), std::string::npos);
  EXPECT_EQ(api.request(request("DELETE", "/v1/webhooks", "", key))->status, 204);
  EXPECT_EQ(api.request(request("DELETE", "/v1/webhooks", "", key))->status, 404);
  EXPECT_EQ(api.request(request("GET", "/v1/webhooks", "", "wrong-key"))->status, 401);
  EXPECT_EQ(server_->stop(SIGTERM, 20s), 0) << server_->err();
}

}  // namespace
}  // namespace diskret
