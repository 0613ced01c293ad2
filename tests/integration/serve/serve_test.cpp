// End to end: build/bin/diskret serve against build/bin/diskret-smsc on free ports, a
// tenant made with the CLI, a message sent over HTTP and followed until it is delivered.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "integration/http/raw_client.hpp"
#include "integration/serve/process.hpp"

namespace diskret {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using test::Background;
using test::RawClient;

const std::string kBin = DISKRET_BIN_DIR;

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(kBin + "/diskret-smsc")) << "build the diskret-smsc target";
    ASSERT_TRUE(fs::exists(kBin + "/diskret")) << "build the diskret target";
    char pattern[] = "/tmp/diskret-serve-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    server_.reset();
    smsc_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  /// diskret-smsc on a free port with fast receipts; returns its SMPP port.
  std::string start_smsc() {
    smsc_ = std::make_unique<Background>(
        std::vector<std::string>{kBin + "/diskret-smsc", "--listen", "127.0.0.1:0", "--control",
                                 "off", "--system-id", "diskret", "--password", "secret",
                                 "--dlr-delay-ms", "20"},
        dir_ + "/smsc.out", dir_ + "/smsc.err");
    auto line = smsc_->wait_for(false, "SMPP on 127.0.0.1:", std::chrono::seconds(10));
    EXPECT_TRUE(line) << smsc_->err();
    return line ? line->substr(0, line->find_first_not_of("0123456789")) : "";
  }

  void write_config(const std::string& smsc_port) {
    config_ = dir_ + "/diskret.toml";
    std::ofstream(config_) << "[server]\ndata_dir = \"" << dir_ << "/var\"\nhttp_listen = \"127.0.0.1:0\"\n"
                           << "smtp_listen = \"127.0.0.1:0\"\nsmpp_listen = \"127.0.0.1:0\"\n"
                           << "[billing]\nenabled = false\n"
                           << "[[smsc]]\nname = \"sim\"\nport = " << smsc_port << "\n";
  }

  test::RunResult diskret(std::vector<std::string> args) {
    args.insert(args.begin(), kBin + "/diskret");
    return test::run(args, dir_);
  }

  /// `diskret tenant create --json`; returns (tenant_id, api_key).
  std::pair<std::string, std::string> create_tenant(const std::string& name) {
    auto r = diskret({"tenant", "create", "--config", config_, "--name", name, "--region", "DE", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // Exactly {"tenant_id": "...", "api_key": "..."} on stdout.
    auto o = json::parse(r.out).as_object();
    EXPECT_EQ(o.size(), 2u);
    EXPECT_EQ(r.out.rfind("{\"tenant_id\": \"", 0), 0u) << r.out;
    return {std::string(o.at("tenant_id").as_string()), std::string(o.at("api_key").as_string())};
  }

  /// Starts `diskret serve`; returns the HTTP port from its "listening on" line.
  std::uint16_t start_server(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{kBin + "/diskret", "serve", "--config", config_};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<Background>(args, dir_ + "/serve.out", dir_ + "/serve.err");
    auto line = server_->wait_for(true, "listening on http://127.0.0.1:", std::chrono::seconds(15));
    EXPECT_TRUE(line) << server_->err();
    return line ? static_cast<std::uint16_t>(std::stoi(*line)) : 0;
  }

  static std::string auth(const std::string& key) { return "Authorization: Bearer " + key + "\r\n"; }

  std::string dir_;
  std::string config_;
  std::unique_ptr<Background> smsc_;
  std::unique_ptr<Background> server_;
};

TEST_F(ServeTest, SendsAMessageThatGetsDelivered) {
  write_config(start_smsc());
  auto [tenant, key] = create_tenant("E2E GmbH");
  EXPECT_EQ(tenant.rfind("tn_", 0), 0u);
  auto port = start_server();
  ASSERT_NE(port, 0);
  RawClient client(port);
  ASSERT_TRUE(client.connected());

  // Ready once the carrier is bound.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (client.request(test::get("/readyz"))->status != 200) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "never ready";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  auto sent = client.request(test::post(
      "/v1/messages", R"({"to":"0151 23456789","text":"Hallo von diskret","from":"Diskret"})", auth(key)));
  ASSERT_TRUE(sent);
  ASSERT_EQ(sent->status, 202) << sent->body;
  auto message = json::parse(sent->body).at("messages").as_array().at(0).as_object();
  EXPECT_EQ(message.at("to").as_string(), "+4915123456789");
  std::string id(message.at("id").as_string());

  std::string status;
  json::object view;
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (status != "delivered" && std::chrono::steady_clock::now() < deadline) {
    auto got = client.request(test::get("/v1/messages/" + id, auth(key)));
    ASSERT_TRUE(got);
    ASSERT_EQ(got->status, 200) << got->body;
    view = json::parse(got->body).as_object();
    status = std::string(view.at("status").as_string());
    if (status != "delivered") std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(status, "delivered") << json::serialize(view) << server_->err();
  EXPECT_FALSE(view.at("submitted_at").is_null());
  EXPECT_FALSE(view.at("done_at").is_null());

  // Logs show numbers masked at most, never the text.
  auto log = server_->err();
  EXPECT_EQ(log.find("4915123456789"), std::string::npos);
  EXPECT_EQ(log.find("Hallo von diskret"), std::string::npos);
  EXPECT_EQ(server_->stop(SIGTERM, std::chrono::seconds(20)), 0) << server_->err();
}

// Issue 13: one id follows a message from the request through the queue to the carrier and
// its receipt; with --log-format json every line is one JSON object with those ids as fields.
TEST_F(ServeTest, JsonLogsFollowAMessageFromRequestToReceipt) {
  write_config(start_smsc());
  auto [tenant, key] = create_tenant("Trace GmbH");
  auto port = start_server({"--log-format", "json"});
  ASSERT_NE(port, 0);
  RawClient client(port);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (client.request(test::get("/readyz"))->status != 200) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "never ready";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto sent = client.request(test::post("/v1/messages",
                                        R"({"to":"+4917612345678","text":"Spur 42","from":"Diskret"})",
                                        auth(key) + "X-Request-Id: trace-it-42\r\n"));
  ASSERT_TRUE(sent);
  ASSERT_EQ(sent->status, 202) << sent->body;
  EXPECT_EQ(sent->header("X-Request-Id"), "trace-it-42");
  const std::string id(json::parse(sent->body).at("messages").as_array().at(0).at("id").as_string());

  // The receipt's line is the last of the three; logs reach stderr within 100 ms.
  std::vector<std::string> life;
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (life.size() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    life.clear();
    std::istringstream lines(server_->err());
    for (std::string line; std::getline(lines, line);) {
      boost::system::error_code ec;
      auto value = json::parse(line, ec);
      ASSERT_FALSE(ec) << "not a JSON line: " << line;
      const auto& o = value.as_object();
      ASSERT_TRUE(o.contains("ts") && o.contains("level") && o.contains("msg")) << line;
      if (const auto* m = o.if_contains("msg_id"); m && *m == id.c_str()) {
        EXPECT_EQ(o.at("request_id"), "trace-it-42") << line;
        life.emplace_back(o.at("msg").as_string());
      }
    }
  }
  EXPECT_EQ(life, (std::vector<std::string>{"message accepted", "message submitted",
                                            "message delivered"}))
      << server_->err();
  auto log = server_->err();
  EXPECT_EQ(log.find("4917612345678"), std::string::npos);
  EXPECT_EQ(log.find("Spur 42"), std::string::npos);
  EXPECT_EQ(server_->stop(SIGTERM, std::chrono::seconds(20)), 0) << server_->err();
}

// Issue 13: `diskret doctor` reads, never repairs, and says in plain words what to fix.
TEST_F(ServeTest, DoctorChecksKeysDatabaseAndCarriers) {
  write_config(start_smsc());
  ASSERT_EQ(diskret({"migrate", "--config", config_}).exit_code, 0);
  auto healthy = diskret({"doctor", "--config", config_, "--json"});
  ASSERT_EQ(healthy.exit_code, 0) << healthy.out << healthy.err;
  auto report = json::parse(healthy.out).as_object();
  EXPECT_EQ(report.at("ok"), true);
  std::set<std::string> checked;
  for (const auto& c : report.at("checks").as_array()) {
    checked.insert(std::string(c.at("check").as_string()));
    EXPECT_NE(c.at("result"), "fail") << json::serialize(c);
  }
  for (const char* c : {"configuration", "data directory", "master key", "main database",
                        "key store database", "clock", "carrier sim"}) {
    EXPECT_TRUE(checked.contains(c)) << c << " not checked: " << healthy.out;
  }

  // A master key others can read, and a carrier that is gone: both named, with the fix.
  ASSERT_EQ(::chmod((dir_ + "/var/master.key").c_str(), 0644), 0);
  smsc_.reset();
  auto sick = diskret({"doctor", "--config", config_});
  EXPECT_EQ(sick.exit_code, 1);
  EXPECT_NE(sick.out.find("FAIL  master key"), std::string::npos) << sick.out;
  EXPECT_NE(sick.out.find("chmod 600 " + dir_ + "/var/master.key"), std::string::npos) << sick.out;
  EXPECT_NE(sick.out.find("FAIL  carrier sim"), std::string::npos) << sick.out;
  EXPECT_NE(sick.err.find("doctor found 2 problem(s)"), std::string::npos) << sick.err;
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/var/master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u) << "doctor must not change anything";

  // A damaged database file: integrity check fails, restore is the advice.
  ASSERT_EQ(::chmod((dir_ + "/var/master.key").c_str(), 0600), 0);
  {
    // Every page after the first (the schema) overwritten: the tables' pages are garbage.
    const auto size = fs::file_size(dir_ + "/var/diskret.db");
    ASSERT_GT(size, 8192u);
    std::fstream db(dir_ + "/var/diskret.db", std::ios::in | std::ios::out | std::ios::binary);
    db.seekp(4096);
    const std::string junk(size - 4096, '\x5a');
    db.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto broken = diskret({"doctor", "--config", config_});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.out.find("FAIL  main database"), std::string::npos) << broken.out;
  EXPECT_NE(broken.out.find("backup restore"), std::string::npos) << broken.out;
}

TEST_F(ServeTest, BadInputGetsProblemsAndChangesNothing) {
  write_config(start_smsc());
  auto [tenant, key] = create_tenant("Problems AG");
  auto port = start_server();
  ASSERT_NE(port, 0);
  RawClient client(port);

  auto expect_problem = [](const std::optional<test::RawResponse>& r, int status) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(r->header("Content-Type"), "application/problem+json");
    auto o = json::parse(r->body).as_object();
    EXPECT_EQ(o.at("status").as_int64(), status);
    EXPECT_TRUE(o.contains("type") && o.contains("title") && o.contains("detail"));
  };
  expect_problem(client.request(test::post("/v1/messages", "{\"to\":", auth(key))), 400);
  expect_problem(client.request(test::post("/v1/messages", R"({"to":"0151 23456789","text":"x","from":"Diskret"})")), 401);
  auto unknown = client.request(
      test::post("/v1/messages", R"({"to":"0151 23456789","text":"x","from":"Diskret","prio":1})", auth(key)));
  expect_problem(unknown, 422);
  EXPECT_NE(unknown->body.find("\"field\":\"prio\""), std::string::npos);
  expect_problem(client.request(test::get("/v1/messages/0123456789abcdef", auth(key))), 404);
  expect_problem(client.request(test::get("/v1/messages?limit=0", auth(key))), 400);
  expect_problem(client.request(test::post("/healthz", "{}")), 405);
  expect_problem(client.request(test::post("/v1/messages", std::string(3 * 1024 * 1024, ' '), auth(key))), 413);

  RawClient again(port);
  auto list = again.request(test::get("/v1/messages", auth(key)));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_EQ(json::parse(list->body).at("data").as_array().size(), 0u);
}

TEST_F(ServeTest, TenantCreateWorksWhileTheServerRuns) {
  write_config(start_smsc());
  create_tenant("First");
  auto port = start_server();
  ASSERT_NE(port, 0);
  auto [tenant, key] = create_tenant("Second");
  RawClient client(port);
  auto sent = client.request(
      test::post("/v1/messages", R"({"to":"+4915123456789","text":"Hi","from":"Diskret"})", auth(key)));
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->status, 202) << sent->body;
  struct stat st{};
  ASSERT_EQ(::stat((dir_ + "/var/master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ServeTest, ApiKeysCanBeListedAndRevoked) {
  write_config(start_smsc());
  auto [tenant, key] = create_tenant("Keys KG");
  auto created = diskret({"apikey", "create", "--config", config_, "--tenant", tenant, "--name", "ci",
                          "--role", "viewer", "--json"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  auto second = json::parse(created.out).as_object();
  auto list = diskret({"apikey", "list", "--config", config_, "--tenant", tenant, "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(json::parse(list.out).as_array().size(), 2u);
  EXPECT_EQ(list.out.find(std::string(second.at("api_key").as_string())), std::string::npos);

  auto port = start_server();
  RawClient client(port);
  std::string viewer(second.at("api_key").as_string());
  EXPECT_EQ(client.request(test::get("/v1/messages", auth(viewer)))->status, 200);
  auto revoked = diskret({"apikey", "revoke", "--config", config_, "--tenant", tenant, "--id",
                          std::to_string(second.at("id").as_int64())});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  // A key revoked by another process stops working within the server's one-second cache.
  int status = 200;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (status != 401 && std::chrono::steady_clock::now() < deadline) {
    status = client.request(test::get("/v1/messages", auth(viewer)))->status;
    if (status != 401) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 401);
}

TEST_F(ServeTest, TenantSettingsAndApiKeysThroughTheApi) {
  write_config(start_smsc());
  auto [tenant, owner] = create_tenant("Settings GmbH");
  auto port = start_server();
  RawClient client(port);
  auto call = [&](std::string_view method, std::string_view path, const std::string& key,
                  const std::string& body = "") {
    auto r = client.request(std::string(method) + " " + std::string(path) +
                            " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n" +
                            auth(key) + "Content-Length: " + std::to_string(body.size()) +
                            "\r\n\r\n" + body);
    EXPECT_TRUE(r);
    return *r;
  };
  const std::string to_france = R"({"to":"+33612345678","text":"Bonjour","from":"Laden"})";
  auto before = json::parse(call("POST", "/v1/messages", owner, to_france).body);
  EXPECT_EQ(before.at("messages").at(0).at("status").as_string(), "rejected");

  // Settings: bad input is named, good input applies to the very next request.
  auto bad = call("PATCH", "/v1/tenant", owner,
                  R"({"default_region":"Deutschland","max_segments":0,"colour":"blue",)"
                  R"("quiet_hours":"08:00-20:00"})");
  EXPECT_EQ(bad.status, 422) << bad.body;
  for (const char* field : {"default_region", "max_segments", "colour", "quiet_hours"}) {
    EXPECT_NE(bad.body.find(field), std::string::npos) << field;
  }
  auto patched = call("PATCH", "/v1/tenant", owner,
                      R"({"display_name":"Laden am Markt","allowed_countries":["DE","FR"],)"
                      R"("sender_ids":["Laden","+4930123456"],"quiet_hours":"21:00-07:30"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto settings = json::parse(call("GET", "/v1/tenant", owner).body).as_object();
  EXPECT_EQ(settings.at("display_name").as_string(), "Laden am Markt");
  EXPECT_EQ(settings.at("id").as_string(), tenant);
  EXPECT_EQ(settings.at("allowed_countries").as_array().size(), 2u);
  EXPECT_EQ(settings.at("quiet_hours").as_string(), "21:00-07:30");
  auto after = json::parse(call("POST", "/v1/messages", owner, to_france).body);
  EXPECT_EQ(after.at("messages").at(0).at("status").as_string(), "accepted") << after;
  auto other_sender = call("POST", "/v1/messages", owner,
                           R"({"to":"+4915112345678","text":"Hallo","from":"Fremd"})");
  EXPECT_EQ(other_sender.status, 422) << other_sender.body;
  EXPECT_NE(other_sender.body.find("sender ids"), std::string::npos) << other_sender.body;

  // API keys: shown once, listed by prefix, no escalation, revoked fails at once.
  auto admin_key = json::parse(call("POST", "/v1/api-keys", owner,
                                    R"({"name":"ops","role":"admin"})").body).as_object();
  const std::string admin(admin_key.at("key").as_string());
  EXPECT_EQ(call("POST", "/v1/api-keys", admin, R"({"name":"boss","role":"owner"})").status, 403);
  auto sender_key = call("POST", "/v1/api-keys", admin, R"({"name":"erp","role":"sender"})");
  ASSERT_EQ(sender_key.status, 201) << sender_key.body;
  const auto sender = json::parse(sender_key.body).as_object();
  EXPECT_EQ(call("GET", "/v1/api-keys", std::string(sender.at("key").as_string())).status, 403);
  auto keys = call("GET", "/v1/api-keys", admin);
  ASSERT_EQ(keys.status, 200);
  EXPECT_EQ(json::parse(keys.body).at("data").as_array().size(), 3u);
  EXPECT_EQ(keys.body.find(std::string(sender.at("key").as_string())), std::string::npos);
  EXPECT_EQ(keys.body.find(admin), std::string::npos);
  EXPECT_EQ(call("DELETE", "/v1/api-keys/" + std::to_string(sender.at("id").as_int64()), admin).status,
            204);
  EXPECT_EQ(call("GET", "/v1/messages", std::string(sender.at("key").as_string())).status, 401);
  auto trail = call("GET", "/v1/audit", owner);
  EXPECT_NE(trail.body.find("tenant.settings_changed"), std::string::npos) << trail.body;
}

TEST(DiskretCli, ExitCodesAndOneLineErrors) {
  ASSERT_TRUE(fs::exists(kBin + "/diskret")) << "build the diskret target";
  char pattern[] = "/tmp/diskret-cli-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  std::string dir = pattern;
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), kBin + "/diskret");
    return test::run(args, dir);
  };
  auto help = run({"serve", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--config"), std::string::npos);
  for (auto args : std::vector<std::vector<std::string>>{
           {}, {"bogus"}, {"tenant", "create"}, {"tenant", "create", "--name", "x", "--region", "Germany"},
           {"tenant", "create", "--name", "x", "--region", "XX"},
           {"apikey", "revoke", "--tenant", "tn_x"}}) {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  std::ofstream(dir + "/bad.toml") << "[[smsc]]\nwindow = 0\n";
  auto bad = run({"migrate", "--config", dir + "/bad.toml"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "diskret: bad.toml: [smsc][0].window: must be 1..10000\n");
  auto missing = run({"migrate", "--config", dir + "/none.toml"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(std::count(missing.err.begin(), missing.err.end(), '\n'), 1) << missing.err;
  std::ofstream(dir + "/ok.toml") << "[server]\ndata_dir = \"" << dir << "/var\"\n";
  auto unknown = run({"apikey", "list", "--config", dir + "/ok.toml", "--tenant", "tn_nobody"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no tenant tn_nobody"), std::string::npos) << unknown.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace diskret
