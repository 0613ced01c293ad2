// End to end, with the real programs: diskret serve against diskret-smsc, and the admin
// commands of the privacy issue run beside it (backup create, privacy export/erase, keys
// rotate) and after it (backup restore, audit verify).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

#include "inbound/webhook_signature.hpp"
#include "integration/http/raw_client.hpp"
#include "integration/serve/process.hpp"
#include "unit/inbound/webhook_receiver.hpp"

namespace diskret {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using test::Background;
using test::RawClient;

const std::string kBin = DISKRET_BIN_DIR;
constexpr const char* kAnna = "+4915123456789";
constexpr const char* kBert = "+4915187654321";

void sql(const std::string& db, const std::string& statement) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(raw, statement.c_str(), nullptr, nullptr, &err);
  const std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(raw);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

class PrivacyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(kBin + "/diskret-smsc")) << "build the diskret-smsc target";
    ASSERT_TRUE(fs::exists(kBin + "/diskret")) << "build the diskret target";
    char pattern[] = "/tmp/diskret-privacy-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    smsc_ = std::make_unique<Background>(
        std::vector<std::string>{kBin + "/diskret-smsc", "--listen", "127.0.0.1:0", "--control", "off",
                                 "--system-id", "diskret", "--password", "secret", "--dlr-delay-ms", "5"},
        dir_ + "/smsc.out", dir_ + "/smsc.err");
    auto line = smsc_->wait_for(false, "SMPP on 127.0.0.1:", std::chrono::seconds(10));
    ASSERT_TRUE(line) << smsc_->err();
    config_ = dir_ + "/diskret.toml";
    std::ofstream(config_) << "[server]\ndata_dir = \"" << dir_ << "/var\"\nhttp_listen = \"127.0.0.1:0\"\n"
                           << "smtp_listen = \"127.0.0.1:0\"\nsmpp_listen = \"127.0.0.1:0\"\n"
                           << "[store]\nurl = \"sqlite:" << dir_ << "/var/diskret.db\"\n"
                           << "[keys]\nmaster_key_file = \"" << dir_ << "/var/master.key\"\n"
                           << "[billing]\nenabled = false\n"
                           << "[webhooks]\nallow_private_hosts = true\n"
                           << "[[smsc]]\nname = \"sim\"\nport = "
                           << line->substr(0, line->find_first_not_of("0123456789")) << "\n";
  }
  void TearDown() override {
    server_.reset();
    smsc_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  test::RunResult diskret(std::vector<std::string> args) {
    args.insert(args.begin(), kBin + "/diskret");
    args.push_back("--config");
    args.push_back(config_);
    return test::run(args, dir_);
  }
  std::pair<std::string, std::string> create_tenant(const std::string& name) {
    auto r = diskret({"tenant", "create", "--name", name, "--region", "DE", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto o = json::parse(r.out).as_object();
    return {std::string(o.at("tenant_id").as_string()), std::string(o.at("api_key").as_string())};
  }
  std::uint16_t start_server() {
    server_ = std::make_unique<Background>(std::vector<std::string>{kBin + "/diskret", "serve", "--config", config_},
                                           dir_ + "/serve.out", dir_ + "/serve.err");
    auto line = server_->wait_for(true, "listening on http://127.0.0.1:", std::chrono::seconds(15));
    EXPECT_TRUE(line) << server_->err();
    return line ? static_cast<std::uint16_t>(std::stoi(*line)) : 0;
  }
  void stop_server() { EXPECT_EQ(server_->stop(SIGTERM, std::chrono::seconds(20)), 0) << server_->err(); }
  static std::string auth(const std::string& key) { return "Authorization: Bearer " + key + "\r\n"; }

  /// Sends one message; returns its id.
  std::string send(RawClient& c, const std::string& key, const std::string& to, const std::string& text) {
    auto r = c.request(test::post("/v1/messages",
                                  json::serialize(json::object{{"to", to}, {"text", text}, {"from", "Diskret"}}),
                                  auth(key)));
    EXPECT_TRUE(r);
    if (!r) return "";
    EXPECT_EQ(r->status, 202) << r->body;
    return std::string(json::parse(r->body).at("messages").as_array().at(0).at("id").as_string());
  }
  json::object get_message(RawClient& c, const std::string& key, const std::string& id) {
    auto r = c.request(test::get("/v1/messages/" + id, auth(key)));
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body).as_object();
  }
  void wait_delivered(RawClient& c, const std::string& key, const std::string& id) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      if (get_message(c, key, id).at("status").as_string() == "delivered") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "message " << id << " never delivered";
  }
  json::object export_of(const std::string& tenant, const std::string& phone) {
    auto r = diskret({"privacy", "export", "--tenant", tenant, "--phone", phone});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out).as_object();
  }

  std::string dir_;
  std::string config_;
  std::unique_ptr<Background> smsc_;
  std::unique_ptr<Background> server_;
};

// The issue's test: erase -> export shows nothing but the suppression marker, and a backup
// taken before the erasure, restored, shows nothing readable about the person.
TEST_F(PrivacyTest, ErasureReachesABackupTakenBefore) {
  auto [tenant, key] = create_tenant("Erase GmbH");
  auto port = start_server();
  ASSERT_NE(port, 0);
  RawClient client(port);
  const auto first = send(client, key, "0151 23456789", "Ihr Code lautet 4711");
  send(client, key, kAnna, "Termin morgen");
  const auto bert = send(client, key, kBert, "Hallo Bert");
  wait_delivered(client, key, first);
  wait_delivered(client, key, bert);

  auto before = export_of(tenant, kAnna);
  ASSERT_EQ(before.at("messages_sent").as_array().size(), 2u);
  EXPECT_EQ(before.at("messages_sent").as_array()[0].at("text").as_string(), "Ihr Code lautet 4711");

  const auto file = dir_ + "/before.dbk";
  auto created = diskret({"backup", "create", file});  // online: the server keeps running
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(test::read_file(file).find("4711"), std::string::npos);

  auto erased = diskret({"privacy", "erase", "--tenant", tenant, "--phone", "0151 23456789"});
  ASSERT_EQ(erased.exit_code, 0) << erased.err;
  EXPECT_EQ(erased.out.find("23456789"), std::string::npos) << "numbers are printed masked";

  auto after = export_of(tenant, kAnna);
  EXPECT_TRUE(after.at("erased").as_bool());
  EXPECT_TRUE(after.at("contact").is_null());
  EXPECT_TRUE(after.at("messages_sent").as_array().empty());
  EXPECT_EQ(after.at("suppression").at("reason").as_string(), "erased");
  EXPECT_EQ(json::serialize(after).find("4711"), std::string::npos);
  // The running server shows the kept statistics row without the person.
  auto view = get_message(client, key, first);
  EXPECT_EQ(json::serialize(view).find("23456789"), std::string::npos) << json::serialize(view);
  EXPECT_EQ(view.at("status").as_string(), "delivered");

  stop_server();
  auto restored = diskret({"backup", "restore", file});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  auto again = export_of(tenant, kAnna);
  EXPECT_TRUE(again.at("erased").as_bool());
  EXPECT_TRUE(again.at("messages_sent").as_array().empty());
  EXPECT_EQ(again.at("suppression").at("reason").as_string(), "erased");
  EXPECT_EQ(json::serialize(again).find("4711"), std::string::npos);
  EXPECT_EQ(export_of(tenant, kBert).at("messages_sent").as_array()[0].at("text").as_string(), "Hallo Bert");

  auto verified = diskret({"audit", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

TEST_F(PrivacyTest, RestoreRefusesTamperedAndTruncatedFilesAndARunningServer) {
  create_tenant("Backup AG");
  const auto file = dir_ + "/b.dbk";
  ASSERT_EQ(diskret({"backup", "create", file}).exit_code, 0);
  const auto bytes = test::read_file(file);

  auto tampered = bytes;
  tampered[tampered.size() / 2] ^= 0x10;
  std::ofstream(dir_ + "/tampered.dbk", std::ios::binary) << tampered;
  auto r = diskret({"backup", "restore", dir_ + "/tampered.dbk"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("modified or is damaged"), std::string::npos) << r.err;

  std::ofstream(dir_ + "/short.dbk", std::ios::binary) << bytes.substr(0, bytes.size() - 100);
  r = diskret({"backup", "restore", dir_ + "/short.dbk"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;

  start_server();
  r = diskret({"backup", "restore", file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("stop `diskret serve` first"), std::string::npos) << r.err;
  stop_server();
  r = diskret({"backup", "restore", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(PrivacyTest, AuditVerifyNamesATamperedRow) {
  auto [tenant, key] = create_tenant("Audit SE");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(diskret({"privacy", "export", "--tenant", tenant, "--phone", kAnna}).exit_code, 0);
  }
  auto ok = diskret({"audit", "verify"});
  ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("audit trail intact"), std::string::npos);
  sql(dir_ + "/var/diskret.db",
      "UPDATE audit_events SET actor = 'operator:nobody' WHERE seq = 2 AND tenant_id = "
      "(SELECT tenant_id FROM audit_events WHERE action = 'privacy.exported' LIMIT 1)");
  auto broken = diskret({"audit", "verify"});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("entry 2 was altered"), std::string::npos) << broken.err;
}

// GET /v1/audit/verify (the portal's privacy page): the tenant's own chain, recomputed.
TEST_F(PrivacyTest, AuditVerifyApiShowsTheTenantsChainStatus) {
  auto [tenant, key] = create_tenant("Verify AG");
  auto [other, other_key] = create_tenant("Andere AG");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(diskret({"privacy", "export", "--tenant", tenant, "--phone", kAnna}).exit_code, 0);
  }
  auto port = start_server();
  ASSERT_NE(port, 0);
  RawClient c(port);
  auto status = [&](const std::string& k) {
    auto r = c.request(test::get("/v1/audit/verify", auth(k)));
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    return r && r->status == 200 ? json::parse(r->body).as_object() : json::object{};
  };
  auto ok = status(key);
  EXPECT_TRUE(ok.at("verified").as_bool());
  EXPECT_GE(ok.at("entries").as_int64(), 3);
  EXPECT_TRUE(ok.at("first_break").is_null());
  stop_server();
  sql(dir_ + "/var/diskret.db",
      "UPDATE audit_events SET actor = 'operator:nobody' WHERE seq = 2 AND tenant_id = "
      "(SELECT tenant_id FROM audit_events WHERE action = 'privacy.exported' LIMIT 1)");
  port = start_server();
  ASSERT_NE(port, 0);
  RawClient again(port);
  auto r = again.request(test::get("/v1/audit/verify", auth(key)));
  ASSERT_TRUE(r && r->status == 200);
  auto broken = json::parse(r->body).as_object();
  EXPECT_FALSE(broken.at("verified").as_bool());
  EXPECT_EQ(broken.at("first_break").at("seq").as_int64(), 2);
  EXPECT_EQ(broken.at("first_break").at("kind").as_string(), "altered");
  // Another tenant's chain is intact, and it is told nothing about the first one's.
  auto theirs = again.request(test::get("/v1/audit/verify", auth(other_key)));
  ASSERT_TRUE(theirs && theirs->status == 200);
  EXPECT_TRUE(json::parse(theirs->body).at("verified").as_bool()) << theirs->body;
}

// The issue's test: rotation under load loses no message and leaves every record readable.
TEST_F(PrivacyTest, KeyRotationUnderLoadLosesNothing) {
  auto [tenant, key] = create_tenant("Rotate KG");
  auto [later, later_key] = create_tenant("Second KG");  // not loaded by the server yet
  auto port = start_server();
  ASSERT_NE(port, 0);
  std::atomic<bool> stop{false};
  std::vector<std::pair<std::string, int>> ids;
  std::atomic<int> failures{0};
  std::thread load([&, key = key] {
    RawClient c(port);
    for (int i = 0; !stop || i < 50; ++i) {
      auto r = c.request(test::post(
          "/v1/messages",
          json::serialize(json::object{{"to", "+49151" + std::to_string(10000000 + i)}, {"text", "Last " + std::to_string(i)}, {"from", "Diskret"}}),
          auth(key)));
      if (!r || r->status != 202) {
        ++failures;
        continue;
      }
      ids.emplace_back(std::string(json::parse(r->body).at("messages").as_array().at(0).at("id").as_string()), i);
    }
  });
  for (int round = 0; round < 2; ++round) {
    auto rotated = diskret({"keys", "rotate"});
    ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
    EXPECT_NE(rotated.out.find("2 tenant key(s)"), std::string::npos) << rotated.out;
  }
  stop = true;
  load.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_GE(ids.size(), 50u);

  RawClient c(port);
  for (const auto& [id, i] : ids) wait_delivered(c, key, id);
  // A tenant first used after the rotation: the server reloads the new master key.
  wait_delivered(c, later_key, send(c, later_key, kBert, "nach der Rotation"));
  stop_server();
  const auto again = start_server();  // and after a restart everything is readable
  RawClient fresh(again);
  for (const auto& [id, i] : ids) {
    auto m = get_message(fresh, key, id);
    EXPECT_EQ(m.at("to").as_string(), "+49151" + std::to_string(10000000 + i));
  }
  auto verified = diskret({"audit", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

std::int64_t count(const std::string& db, const std::string& query) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_busy_timeout(raw, 5'000);
  sqlite3_stmt* stmt = nullptr;
  std::int64_t n = -1;
  if (sqlite3_prepare_v2(raw, query.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    n = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
  return n;
}

// Admin commands beside a server under load from several clients, each batch to new
// recipients (so the server writes diskret.db and keys.db all the time): every command
// waits for its turn instead of failing with "database is locked", no message is lost and
// every one stays readable.
TEST_F(PrivacyTest, AdminCommandsSucceedBesideABusyServer) {
  auto [tenant, key] = create_tenant("Busy KG");
  auto port = start_server();
  ASSERT_NE(port, 0);
  constexpr int kClients = 4;
  constexpr int kBatch = 200;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> batches{0};
  std::vector<std::thread> load;
  for (int w = 0; w < kClients; ++w) {
    load.emplace_back([&, w, key = key] {
      RawClient c(port);
      for (int i = 0; !stop; ++i) {
        json::array to;
        for (int j = 0; j < kBatch; ++j) to.emplace_back("+49160" + std::to_string(10000000 + w * 1000000 + i * kBatch + j));
        auto r = c.request(test::post("/v1/messages",
                                      json::serialize(json::object{{"to", to}, {"text", "Last"}, {"from", "Diskret"}}),
                                      auth(key)));
        if (!r || r->status != 202) {
          ++failures;
          return;
        }
        ++batches;
      }
    });
  }
  while (batches < kClients) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::vector<std::pair<std::string, std::chrono::milliseconds>> took;
  auto admin = [&](std::vector<std::string> args) {
    const auto start = std::chrono::steady_clock::now();
    auto r = diskret(args);
    took.emplace_back(args[0] + " " + args[1], std::chrono::duration_cast<std::chrono::milliseconds>(
                                                   std::chrono::steady_clock::now() - start));
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << ": " << r.err;
    return r;
  };
  admin({"keys", "rotate"});
  admin({"apikey", "create", "--tenant", tenant, "--name", "busy"});
  admin({"user", "add", "--tenant", tenant, "--email", "ops@example.com", "--role", "admin"});
  admin({"privacy", "export", "--tenant", tenant, "--phone", "+4916010000000"});
  admin({"keys", "rotate"});
  stop = true;
  for (auto& t : load) t.join();
  EXPECT_EQ(failures.load(), 0);
  for (const auto& [what, ms] : took) std::cout << what << ": " << ms.count() << " ms\n";
  std::cout << batches.load() * kBatch << " messages accepted while the commands ran\n";

  const std::string db = dir_ + "/var/diskret.db";
  const std::int64_t accepted = static_cast<std::int64_t>(batches.load()) * kBatch;
  EXPECT_EQ(count(db, "SELECT count(*) FROM messages"), accepted);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(40);
  while (std::chrono::steady_clock::now() < deadline && count(db, "SELECT count(*) FROM messages WHERE status <> 2") != 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(count(db, "SELECT count(*) FROM messages WHERE status <> 2"), 0) << "every message delivered";
  stop_server();
  const auto again = start_server();  // every record readable under the newest master key
  RawClient fresh(again);
  auto page = fresh.request(test::get("/v1/messages?limit=100", auth(key)));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body;
  const auto listed = json::parse(page->body);
  ASSERT_EQ(listed.at("data").as_array().size(), 100u);
  for (const auto& m : listed.at("data").as_array()) {
    EXPECT_TRUE(m.at("to").as_string().starts_with("+49160")) << json::serialize(m);
  }
  auto verified = diskret({"audit", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

std::string put(std::string_view path, std::string_view body, std::string_view headers) {
  return "PUT" + test::post(path, body, headers).substr(4);
}
std::string del(std::string_view path, std::string_view headers) {
  return "DELETE " + std::string(path) + " HTTP/1.1\r\nHost: test\r\n" + std::string(headers) + "\r\n";
}

std::string operator_name() {
  const char* user = std::getenv("USER");
  std::string name = user != nullptr && *user != '\0' ? user : "uid" + std::to_string(::getuid());
  for (char& c : name) {
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f || c == ':') c = '_';
  }
  return name;
}

// The HTTP side: exports, erasures, the audit trail, the report, retention, alerts, metrics
// and operator access grants.
TEST_F(PrivacyTest, ApiCoversTheDataSubjectRightsAndTheTrail) {
  auto [tenant, key] = create_tenant("Api GmbH");
  auto port = start_server();
  ASSERT_NE(port, 0);
  RawClient c(port);
  const auto id = send(c, key, kAnna, "Ihr Code lautet 4711");
  wait_delivered(c, key, id);
  get_message(c, key, id);  // a read of personal data by an API key

  auto exported = c.request(test::post("/v1/privacy/exports", R"({"phone":"0151 23456789"})", auth(key)));
  ASSERT_TRUE(exported);
  ASSERT_EQ(exported->status, 200) << exported->body;
  auto doc = json::parse(exported->body).as_object();
  EXPECT_EQ(doc.at("messages_sent").as_array()[0].at("text").as_string(), "Ihr Code lautet 4711");
  EXPECT_EQ(doc.at("recipients").as_array()[0].at("carrier").as_string(), "sim");

  auto bad = c.request(test::post("/v1/privacy/exports", R"({"phone":"12"})", auth(key)));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_NE(bad->body.find("\"field\":\"phone\""), std::string::npos) << bad->body;

  auto erased = c.request(test::post("/v1/privacy/erasures", json::serialize(json::object{{"phone", kAnna}}), auth(key)));
  ASSERT_TRUE(erased);
  ASSERT_EQ(erased->status, 200) << erased->body;
  EXPECT_EQ(json::parse(erased->body).at("suppression").at("reason").as_string(), "erased");
  auto after = c.request(test::post("/v1/privacy/exports", json::serialize(json::object{{"phone", kAnna}}), auth(key)));
  ASSERT_TRUE(after);
  auto after_doc = json::parse(after->body).as_object();
  EXPECT_TRUE(after_doc.at("erased").as_bool());
  EXPECT_EQ(after->body.find("4711"), std::string::npos);

  // The trail: exports, the erasure, and (flushed within a second or two) the read.
  std::string actions;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    auto trail = c.request(test::get("/v1/audit?limit=100", auth(key)));
    ASSERT_TRUE(trail);
    ASSERT_EQ(trail->status, 200) << trail->body;
    actions.clear();
    const auto page = json::parse(trail->body);  // the loop below must not outlive it
    for (const auto& e : page.at("data").as_array()) {
      actions += std::string(e.at("action").as_string()) + " ";
      EXPECT_EQ(trail->body.find("4915123456789"), std::string::npos) << "no numbers in the trail";
    }
    if (actions.find("data.read") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(actions.find("privacy.exported"), std::string::npos) << actions;
  EXPECT_NE(actions.find("privacy.erased"), std::string::npos) << actions;
  EXPECT_NE(actions.find("data.read"), std::string::npos) << actions;

  auto report = c.request(test::get("/v1/privacy/report", auth(key)));
  ASSERT_TRUE(report);
  ASSERT_EQ(report->status, 200) << report->body;
  auto r = json::parse(report->body).as_object();
  EXPECT_EQ(r.at("sub_processors").as_array()[0].at("name").as_string(), "sim");
  EXPECT_EQ(r.at("retention").at("message_text_days").as_int64(), 30);
  EXPECT_FALSE(r.at("security_measures").as_array().empty());

  auto changed = c.request(put("/v1/privacy/retention", R"({"message_text_days":7,"message_numbers_days":14})", auth(key)));
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 200) << changed->body;
  auto wrong = c.request(put("/v1/privacy/retention", R"({"message_text_days":0})", auth(key)));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 422) << wrong->body;
  auto got = c.request(test::get("/v1/privacy/retention", auth(key)));
  EXPECT_EQ(json::parse(got->body).at("message_text_days").as_int64(), 7);

  // Many failed logins from one address raise an alert that admins see and /metrics counts.
  for (int i = 0; i < 20; ++i) {
    RawClient intruder(port);
    auto denied = intruder.request(test::get("/v1/messages", auth("dsk_live_wrong" + std::to_string(i))));
    ASSERT_TRUE(denied);
    ASSERT_EQ(denied->status, 401);
  }
  std::string alerts_body;
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline && alerts_body.find("auth.many_failures") == std::string::npos) {
    alerts_body = c.request(test::get("/v1/alerts", auth(key)))->body;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(alerts_body.find("auth.many_failures"), std::string::npos) << alerts_body;
  auto metrics = c.request(test::get("/metrics"));
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("diskret_security_alerts_total{kind=\"auth.many_failures\"} 1"), std::string::npos);
  EXPECT_NE(metrics->body.find("diskret_retention_runs_total{result=\"ok\"}"), std::string::npos);
  EXPECT_NE(metrics->body.find("diskret_retention_last_success_timestamp_seconds"), std::string::npos);

  // Support access: granted by the tenant to one named person, logged in the tenant's trail.
  auto granted = c.request(test::post("/v1/access-grants",
                                      json::serialize(json::object{{"operator", operator_name()},
                                                                   {"reason", "ticket 4711: delivery question"},
                                                                   {"hours", 1}}),
                                      auth(key)));
  ASSERT_TRUE(granted);
  ASSERT_EQ(granted->status, 201) << granted->body;
  const auto grant = std::to_string(json::parse(granted->body).at("id").as_int64());
  auto under_grant = diskret({"privacy", "export", "--tenant", tenant, "--phone", kBert, "--grant", grant});
  EXPECT_EQ(under_grant.exit_code, 0) << under_grant.err;
  auto revoked = c.request(del("/v1/access-grants/" + grant, auth(key)));
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->status, 204);
  auto refused = diskret({"privacy", "export", "--tenant", tenant, "--phone", kBert, "--grant", grant});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("revoked"), std::string::npos) << refused.err;
  auto break_glass = diskret({"privacy", "export", "--tenant", tenant, "--phone", kBert, "--reason", "outage"});
  EXPECT_EQ(break_glass.exit_code, 0) << break_glass.err;
  auto trail = c.request(test::get("/v1/audit?limit=100", auth(key)))->body;
  EXPECT_NE(trail.find("access.operator_read"), std::string::npos);
  EXPECT_NE(trail.find("operator:" + operator_name()), std::string::npos);
  EXPECT_NE(c.request(test::get("/v1/alerts", auth(key)))->body.find("access.break_glass"), std::string::npos);
}

std::string patch(std::string_view path, std::string_view body, std::string_view headers) {
  return "PATCH" + test::post(path, body, headers).substr(4);
}

// Issue 5: role, key and configuration changes land in the tenant's hash-chained trail
// (GET /v1/audit) whether made by the operator's commands or through the API, and no
// secret (API keys, passwords, the webhook secret) and no number appears there. Security
// alerts, raised in the server or by an admin command, reach the tenant's webhook signed.
TEST_F(PrivacyTest, ChangesAreAuditedWithoutSecretsAndAlertsReachTheWebhook) {
  auto [tenant, key] = create_tenant("Audit GmbH");
  auto made = diskret({"apikey", "create", "--tenant", tenant, "--name", "shop", "--role", "sender", "--json"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto made_key = json::parse(made.out).as_object();
  const std::string second_key(made_key.at("api_key").as_string());
  auto revoked = diskret({"apikey", "revoke", "--tenant", tenant, "--id", std::to_string(made_key.at("id").as_int64())});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  auto cli_user = diskret({"user", "add", "--tenant", tenant, "--email", "chefin@example.com", "--role", "admin", "--json"});
  ASSERT_EQ(cli_user.exit_code, 0) << cli_user.err;
  const std::string cli_password(json::parse(cli_user.out).at("password").as_string());

  auto port = start_server();
  ASSERT_NE(port, 0);
  RawClient c(port);
  const std::string hook_secret = "whsec_privacy_itest_0123456789";
  inbound::testing::Receiver hook(204);
  auto put_hook = c.request(put("/v1/webhooks", json::serialize(json::object{{"url", hook.url("/alerts")}, {"secret", hook_secret}}),
                                auth(key)));
  ASSERT_TRUE(put_hook);
  ASSERT_EQ(put_hook->status, 200) << put_hook->body;
  const std::string api_password = "a very long password 4711";
  auto user = c.request(test::post("/v1/users",
                                   json::serialize(json::object{{"email", "bert@example.com"}, {"role", "viewer"}, {"password", api_password}}),
                                   auth(key)));
  ASSERT_TRUE(user);
  ASSERT_EQ(user->status, 201) << user->body;
  const auto user_id = std::to_string(json::parse(user->body).at("id").as_int64());
  auto promoted = c.request(patch("/v1/users/" + user_id, R"({"role":"sender"})", auth(key)));
  ASSERT_TRUE(promoted);
  EXPECT_EQ(promoted->status, 200) << promoted->body;
  auto removed = c.request(del("/v1/users/" + user_id, auth(key)));
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 204);
  auto suppressed = c.request(test::post("/v1/suppressions", json::serialize(json::object{{"phone", kAnna}, {"reason", "per Telefon"}}), auth(key)));
  ASSERT_TRUE(suppressed);
  EXPECT_EQ(suppressed->status, 201) << suppressed->body;
  auto lifted = c.request(del("/v1/suppressions/" + std::string(kAnna), auth(key)));
  ASSERT_TRUE(lifted);
  EXPECT_EQ(lifted->status, 204) << lifted->body;
  auto retention = c.request(put("/v1/privacy/retention", R"({"message_text_days":10})", auth(key)));
  ASSERT_TRUE(retention);
  EXPECT_EQ(retention->status, 200) << retention->body;

  // An alert raised in the server (many failed logins) and one by an admin command.
  for (int i = 0; i < 20; ++i) {
    RawClient intruder(port);
    ASSERT_EQ(intruder.request(test::get("/v1/messages", auth("dsk_live_wrong" + std::to_string(i))))->status, 401);
  }
  auto rotated = diskret({"keys", "rotate"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  ASSERT_TRUE(hook.wait_for(2, std::chrono::seconds(15))) << "alerts delivered: " << hook.requests().size();
  std::set<std::string> kinds;
  for (const auto& r : hook.requests()) {
    EXPECT_EQ(inbound::verify_webhook_signature(r.header("Diskret-Signature"), hook_secret, r.body, std::time(nullptr)),
              inbound::SignatureCheck::valid);
    EXPECT_EQ(r.header("Diskret-Event"), "security.alert");
    const auto body = json::parse(r.body);
    EXPECT_EQ(body.at("event").as_string(), "security.alert");
    kinds.insert(std::string(body.at("kind").as_string()));
  }
  EXPECT_TRUE(kinds.contains("auth.many_failures"));
  EXPECT_TRUE(kinds.contains("keys.master_rotated"));
  auto deleted_hook = c.request(del("/v1/webhooks", auth(key)));
  ASSERT_TRUE(deleted_hook);
  EXPECT_EQ(deleted_hook->status, 204);

  auto trail = c.request(test::get("/v1/audit?limit=100", auth(key)));
  ASSERT_TRUE(trail);
  ASSERT_EQ(trail->status, 200) << trail->body;
  std::multiset<std::string> actions;
  const auto page = json::parse(trail->body);  // outlives the loop
  for (const auto& e : page.at("data").as_array()) actions.insert(std::string(e.at("action").as_string()));
  EXPECT_EQ(actions.count("tenant.created"), 1u);
  EXPECT_EQ(actions.count("apikey.created"), 2u);  // the first key and the CLI's
  EXPECT_EQ(actions.count("apikey.revoked"), 1u);
  EXPECT_EQ(actions.count("user.added"), 2u);  // by the CLI and by the API
  EXPECT_EQ(actions.count("user.role_changed"), 1u);
  EXPECT_EQ(actions.count("user.removed"), 1u);
  EXPECT_EQ(actions.count("suppression.added"), 1u);
  EXPECT_EQ(actions.count("suppression.removed"), 1u);
  EXPECT_EQ(actions.count("retention.changed"), 1u);
  EXPECT_EQ(actions.count("config.changed"), 2u);  // webhook set and deleted
  EXPECT_NE(trail->body.find("operator:"), std::string::npos);
  EXPECT_NE(trail->body.find("api_key:"), std::string::npos);
  for (const std::string& secret : {key, second_key, key.substr(9, 5), second_key.substr(9, 5), cli_password, api_password,
                                    hook_secret, std::string("4915123456789"), std::string("example.com")}) {
    EXPECT_EQ(trail->body.find(secret), std::string::npos) << "the trail shows " << secret;
  }
  stop_server();
  auto verified = diskret({"audit", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

}  // namespace
}  // namespace diskret
