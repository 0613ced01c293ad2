// End to end (issue 7): build/bin/diskret serve against build/bin/diskret-smsc. A list of
// 50 consented contacts, one of them suppressed: a fast campaign completes with 49 sent,
// 1 rejected (suppressed), and the carrier got exactly 49 personalised texts. A slow one
// is paused (nothing more reaches the carrier a second later), one of its recipients opts
// out meanwhile (gets nothing), it is resumed, and the server restarted mid-campaign:
// every other number got its text exactly once.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/hex.hpp"
#include "integration/http/raw_client.hpp"
#include "integration/serve/process.hpp"

namespace diskret {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::Background;
using test::RawClient;

const std::string kBin = DISKRET_BIN_DIR;

std::string request(std::string_view method, std::string_view path, std::string_view body,
                    const std::string& key) {
  return std::string(method) + " " + std::string(path) +
         " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nAuthorization: Bearer " +
         key + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         std::string(body);
}

template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

std::string number(int i) { return "+49151200000" + std::string(i < 10 ? "0" : "") + std::to_string(i); }

class CampaignsEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(kBin + "/diskret-smsc")) << "build the diskret-smsc target";
    ASSERT_TRUE(fs::exists(kBin + "/diskret")) << "build the diskret target";
    char pattern[] = "/tmp/diskret-campaigns-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    ASSERT_NO_FATAL_FAILURE(start_smsc());
    write_config();
    auto r = diskret({"tenant", "create", "--config", config_, "--name", "Laden GmbH", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto o = json::parse(r.out).as_object();
    tenant_ = std::string(o.at("tenant_id").as_string());
    key_ = std::string(o.at("api_key").as_string());
    // Marketing names the number STOP replies reach.
    auto assigned =
        diskret({"number", "assign", "--config", config_, "--tenant", tenant_, "--number", "12345"});
    ASSERT_EQ(assigned.exit_code, 0) << assigned.err;
    ASSERT_NO_FATAL_FAILURE(start_server());
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
                           << "[campaigns]\nquiet_hours = \"off\"\n"  // the test runs at any hour
                           << "[[smsc]]\nname = \"sim\"\nport = " << smpp_port_ << "\n";
  }

  test::RunResult diskret(std::vector<std::string> args) {
    args.insert(args.begin(), kBin + "/diskret");
    return test::run(args, dir_);
  }

  void start_server() {
    server_ = std::make_unique<Background>(
        std::vector<std::string>{kBin + "/diskret", "serve", "--config", config_},
        dir_ + "/serve.out", dir_ + "/serve.err");
    auto line = server_->wait_for(true, "listening on http://127.0.0.1:", 20s);
    ASSERT_TRUE(line) << server_->err();
    port_ = static_cast<std::uint16_t>(std::stoi(*line));
    RawClient api(port_);
    ASSERT_TRUE(eventually([&] { return api.request(test::get("/readyz"))->status == 200; }))
        << server_->err();
  }

  test::RawResponse call(std::string_view method, std::string_view path, std::string_view body = "",
                         const std::string& key = "") {
    RawClient api(port_);
    auto r = api.request(request(method, path, body, key.empty() ? key_ : key));
    EXPECT_TRUE(r);
    return r ? *r : test::RawResponse{};
  }

  /// A list with `count` consented contacts: even ones have a first name.
  std::uint64_t make_list(const std::string& name, int count) {
    auto list = call("POST", "/v1/lists", json::serialize(json::object{{"name", name}}));
    EXPECT_EQ(list.status, 201) << list.body;
    const auto id = json::parse(list.body).at("id").to_number<std::uint64_t>();
    for (int i = 0; i < count; ++i) {
      json::object body{{"phone", number(i)},
                        {"lists", json::array{id}},
                        {"fields", json::object{{"code", "C" + std::to_string(i)}}},
                        {"consent", json::object{{"purpose", "marketing"},
                                                 {"source", "web_form"},
                                                 {"wording", "Ja, Angebote per SMS."},
                                                 {"obtained_at", "2024-03-01T10:00:00Z"}}}};
      if (i % 2 == 0) body["first_name"] = "Name" + std::to_string(i);
      auto c = call("POST", "/v1/contacts", json::serialize(body));
      EXPECT_EQ(c.status, 201) << c.body;
    }
    return id;
  }

  std::uint64_t create_campaign(std::uint64_t list, int rate) {
    auto r = call("POST", "/v1/campaigns",
                  json::serialize(json::object{
                      {"name", "Sommer"},
                      {"lists", json::array{list}},
                      {"from", "Laden"},
                      {"template", "Hallo {{first_name|Kundin/Kunde}}, Code {{fields.code}}."},
                      {"category", "marketing"},
                      {"rate_per_minute", rate}}));
    EXPECT_EQ(r.status, 201) << r.body;
    auto o = json::parse(r.body).as_object();
    EXPECT_EQ(o.at("status").as_string(), "draft");
    return o.at("id").to_number<std::uint64_t>();
  }

  json::object campaign(std::uint64_t id) {
    auto r = call("GET", "/v1/campaigns/" + std::to_string(id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body).as_object() : json::object{};
  }
  std::uint64_t count(std::uint64_t id, const char* which) {
    auto c = campaign(id);
    return c.empty() ? 0 : c.at("counts").at(which).to_number<std::uint64_t>();
  }

  /// Texts the simulator got, by destination (digits as sent).
  std::map<std::string, std::vector<std::string>> submits() {
    RawClient control(control_port_);
    (void)control.request(test::post("/flush", "{}"));
    std::map<std::string, std::vector<std::string>> out;
    std::ifstream log(dir_ + "/smsc.jsonl");
    for (std::string line; std::getline(log, line);) {
      if (line.empty()) continue;
      auto o = json::parse(line).as_object();
      auto bytes = from_hex(std::string_view(o.at("sm_hex").as_string()));
      out[std::string(o.at("destination_addr").as_string())].push_back(
          bytes ? std::string(bytes->begin(), bytes->end()) : std::string());
    }
    return out;
  }
  std::size_t submit_count() {
    std::size_t n = 0;
    for (const auto& [to, texts] : submits()) n += texts.size();
    return n;
  }

  std::string dir_, config_, smpp_port_, tenant_, key_;
  std::uint16_t control_port_ = 0, port_ = 0;
  std::unique_ptr<Background> smsc_;
  std::unique_ptr<Background> server_;
};

TEST_F(CampaignsEndToEnd, SendsPersonalisedTextsToConsentedMembersAndRejectsTheSuppressed) {
  const auto list = make_list("Newsletter", 50);
  ASSERT_EQ(call("POST", "/v1/suppressions", R"({"phone":")" + number(7) + R"("})").status, 201);

  // Bad input: 422 naming the field; unknown placeholders are refused at creation.
  auto bad = call("POST", "/v1/campaigns",
                  R"({"name":"x","lists":[999999],"from":"Laden","template":"Hi {{vorname}}",)"
                  R"("rate_per_minute":0,"send_at":"tomorrow"})");
  ASSERT_EQ(bad.status, 422) << bad.body;
  for (const char* field : {"\"template\"", "\"rate_per_minute\"", "\"send_at\""}) {
    EXPECT_NE(bad.body.find(field), std::string::npos) << field << bad.body;
  }
  auto unknown_list = call("POST", "/v1/campaigns",
                           R"({"name":"x","lists":[999999],"from":"Laden","template":"Hi"})");
  ASSERT_EQ(unknown_list.status, 422) << unknown_list.body;
  EXPECT_NE(unknown_list.body.find("\"lists\""), std::string::npos) << unknown_list.body;

  const auto id = create_campaign(list, 100'000);
  // Preview: the text one contact would get now, after the send-time rules.
  auto contacts = json::parse(call("GET", "/v1/contacts?list=" + std::to_string(list) + "&limit=500").body);
  std::map<std::string, std::uint64_t> contact_of;
  for (const auto& c : contacts.at("data").as_array()) {
    contact_of[std::string(c.at("phone").as_string())] = c.at("id").to_number<std::uint64_t>();
  }
  ASSERT_EQ(contact_of.size(), 50u);
  auto preview = call("GET", "/v1/campaigns/" + std::to_string(id) + "/preview?contact=" +
                                 std::to_string(contact_of.at(number(1))));
  ASSERT_EQ(preview.status, 200) << preview.body;
  auto shown = json::parse(preview.body).as_object();
  EXPECT_EQ(shown.at("status"), "would_send");
  EXPECT_EQ(std::string(shown.at("text").as_string()).rfind("Hallo Kundin/Kunde, Code C1.", 0), 0u)
      << preview.body;
  EXPECT_NE(std::string(shown.at("text").as_string()).find("STOP"), std::string::npos);
  auto suppressed = json::parse(call("GET", "/v1/campaigns/" + std::to_string(id) +
                                                "/preview?contact=" +
                                                std::to_string(contact_of.at(number(7))))
                                    .body);
  EXPECT_EQ(suppressed.at("status"), "rejected");
  EXPECT_EQ(suppressed.at("error").at("code"), "suppressed");
  EXPECT_EQ(call("GET", "/v1/campaigns/" + std::to_string(id) + "/preview").status, 400);
  EXPECT_EQ(call("POST", "/v1/campaigns/" + std::to_string(id) + "/pause").status, 409);
  auto started = call("POST", "/v1/campaigns/" + std::to_string(id) + "/start");
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(call("POST", "/v1/campaigns/" + std::to_string(id) + "/start").status, 409);

  ASSERT_TRUE(eventually([&] { return campaign(id).at("status") == "completed"; }))
      << json::serialize(campaign(id)) << server_->err();
  auto done = campaign(id);
  EXPECT_EQ(done.at("counts").at("sent"), 49) << json::serialize(done);
  EXPECT_EQ(done.at("counts").at("rejected"), 1) << json::serialize(done);
  EXPECT_EQ(done.at("counts").at("pending"), 0) << json::serialize(done);
  EXPECT_EQ(done.at("rejected_reasons").at("suppressed"), 1) << json::serialize(done);
  ASSERT_TRUE(eventually([&] { return count(id, "delivered") == 49; }))
      << json::serialize(campaign(id));
  EXPECT_EQ(call("POST", "/v1/campaigns/" + std::to_string(id) + "/resume").status, 409);

  // The delivery report: one CSV line per recipient; a viewer sees numbers masked.
  auto report = call("GET", "/v1/campaigns/" + std::to_string(id) + "/report");
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(report.body.rfind("contact_id,number,status,reason,message_id\r\n", 0), 0u);
  EXPECT_EQ(std::count(report.body.begin(), report.body.end(), '\n'), 51);
  EXPECT_NE(report.body.find(number(7) + ",rejected,suppressed,"), std::string::npos) << report.body;
  EXPECT_NE(report.body.find(number(1) + ",delivered,,"), std::string::npos) << report.body;
  auto viewer = json::parse(call("POST", "/v1/api-keys", R"({"name":"v","role":"viewer"})").body);
  auto masked = call("GET", "/v1/campaigns/" + std::to_string(id) + "/report", "",
                     std::string(viewer.at("key").as_string()));
  ASSERT_EQ(masked.status, 200) << masked.body;
  EXPECT_EQ(masked.body.find(number(1)), std::string::npos) << "a viewer sees no full number";
  EXPECT_NE(masked.body.find(number(1).substr(0, 6)), std::string::npos);
  EXPECT_NE(masked.body.find("*"), std::string::npos) << masked.body;

  ASSERT_TRUE(eventually([&] { return submit_count() == 49; })) << submit_count();
  std::this_thread::sleep_for(300ms);  // room for a (wrong) 50th
  const auto got = submits();
  EXPECT_EQ(got.size(), 49u);
  EXPECT_FALSE(got.contains(number(7).substr(1)));
  for (int i = 0; i < 50; ++i) {
    if (i == 7) continue;
    const auto it = got.find(number(i).substr(1));
    ASSERT_NE(it, got.end()) << i;
    ASSERT_EQ(it->second.size(), 1u) << i;
    const std::string greeting =
        "Hallo " + (i % 2 == 0 ? "Name" + std::to_string(i) : std::string("Kundin/Kunde")) +
        ", Code C" + std::to_string(i) + ".";
    EXPECT_EQ(it->second.front().rfind(greeting, 0), 0u) << it->second.front();
    EXPECT_NE(it->second.front().find("STOP"), std::string::npos) << it->second.front();
  }
}

TEST_F(CampaignsEndToEnd, PauseStopsWithinASecondAndARestartNeitherSkipsNorRepeats) {
  constexpr int kContacts = 24;
  const auto list = make_list("Slow", kContacts);
  const auto id = create_campaign(list, 600);  // 10 per second
  const std::string path = "/v1/campaigns/" + std::to_string(id);
  ASSERT_EQ(call("POST", path + "/start").status, 200);
  ASSERT_TRUE(eventually([&] { return count(id, "sent") >= 4; }));

  auto paused = call("POST", path + "/pause");
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(json::parse(paused.body).at("status"), "paused");
  std::this_thread::sleep_for(1s);
  const auto at_pause = submit_count();
  const auto sent_at_pause = count(id, "sent");
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(submit_count(), at_pause);
  EXPECT_EQ(count(id, "sent"), sent_at_pause);
  EXPECT_LT(sent_at_pause, static_cast<std::uint64_t>(kContacts));
  // The last recipient opts out mid-campaign: screened at send time, it gets nothing.
  const int opted_out = kContacts - 1;
  ASSERT_EQ(call("POST", "/v1/suppressions", R"({"phone":")" + number(opted_out) + R"("})").status,
            201);

  ASSERT_EQ(call("POST", path + "/resume").status, 200);
  ASSERT_TRUE(eventually([&] { return count(id, "sent") >= sent_at_pause + 4; }));
  // Restart mid-campaign.
  ASSERT_EQ(server_->stop(SIGTERM, 15s), 0) << server_->err();
  const auto before_restart = submit_count();
  EXPECT_LT(before_restart, static_cast<std::size_t>(kContacts));
  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_TRUE(eventually([&] { return campaign(id).at("status") == "completed"; }))
      << json::serialize(campaign(id));
  EXPECT_EQ(count(id, "sent"), static_cast<std::uint64_t>(kContacts - 1));
  EXPECT_EQ(count(id, "rejected"), 1u);
  ASSERT_TRUE(eventually([&] { return submit_count() >= kContacts - 1; }));
  std::this_thread::sleep_for(300ms);
  const auto got = submits();
  EXPECT_EQ(got.size(), static_cast<std::size_t>(kContacts - 1));
  EXPECT_FALSE(got.contains(number(opted_out).substr(1)));
  for (int i = 0; i < kContacts - 1; ++i) {
    const auto it = got.find(number(i).substr(1));
    ASSERT_NE(it, got.end()) << "skipped " << i;
    EXPECT_EQ(it->second.size(), 1u) << "repeated " << i;
  }
  // The campaign's messages (the opted-out one stored as rejected) by ?campaign=.
  auto messages = call("GET", "/v1/messages?campaign=" + std::to_string(id) + "&limit=100");
  ASSERT_EQ(messages.status, 200) << messages.body;
  EXPECT_EQ(json::parse(messages.body).at("data").as_array().size(),
            static_cast<std::size_t>(kContacts));
  auto other = call("GET", "/v1/messages?campaign=999999&limit=100");
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_TRUE(json::parse(other.body).at("data").as_array().empty());
}

}  // namespace
}  // namespace diskret
