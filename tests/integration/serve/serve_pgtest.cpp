// End to end on PostgreSQL (issue 10): a real PostgreSQL (tests/support/postgres_server.hpp),
// `diskret tenant create` and `diskret serve` with [store] url = "postgresql://...", and
// diskret-smsc: a message sent over HTTP reaches "delivered" and a contact is created; the
// rows are in PostgreSQL, and no SQLite file appears in the data directory. Then
// `diskret backup create` while the node runs, `backup restore` refused until it stopped,
// and the restore bringing back what was deleted since, with an intact audit chain.
#include <gtest/gtest.h>

#include <libpq-fe.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "integration/http/raw_client.hpp"
#include "integration/serve/process.hpp"
#include "support/postgres_server.hpp"

namespace diskret {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using test::Background;
using test::RawClient;

const std::string kBin = DISKRET_BIN_DIR;

// The first value of `sql` on database `db`, as text; "error" when it failed.
std::string scalar(const test::PostgresServer& pg, const std::string& db, const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(pg.url(db).c_str()), PQfinish);
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn.get(), sql.c_str()), PQclear);
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) == 0) return "error";
  return PQgetvalue(r.get(), 0, 0);
}

TEST(ServeOnPostgresql, SendsAMessageThatGetsDeliveredAndKeepsAContact) {
  if (!test::PostgresServer::available()) GTEST_SKIP() << test::PostgresServer::missing_message();
  ASSERT_TRUE(fs::exists(kBin + "/diskret-smsc")) << "build the diskret-smsc target";
  ASSERT_TRUE(fs::exists(kBin + "/diskret")) << "build the diskret target";
  test::PostgresServer pg;
  ASSERT_TRUE(pg.running()) << pg.error();
  for (const char* db : {"diskret", "diskret_keys"}) {
    auto failed = pg.execute(std::string("CREATE DATABASE ") + db + " TEMPLATE template0");
    ASSERT_FALSE(failed) << *failed;
  }
  char pattern[] = "/tmp/diskret-serve-pg-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  struct Cleanup {
    std::string dir;
    ~Cleanup() { fs::remove_all(dir); }
  } cleanup{dir};

  auto smsc = std::make_unique<Background>(
      std::vector<std::string>{kBin + "/diskret-smsc", "--listen", "127.0.0.1:0", "--control", "off",
                               "--system-id", "diskret", "--password", "secret", "--dlr-delay-ms",
                               "20"},
      dir + "/smsc.out", dir + "/smsc.err");
  auto smsc_line = smsc->wait_for(false, "SMPP on 127.0.0.1:", std::chrono::seconds(10));
  ASSERT_TRUE(smsc_line) << smsc->err();
  const std::string smsc_port = smsc_line->substr(0, smsc_line->find_first_not_of("0123456789"));

  const std::string config = dir + "/diskret.toml";
  std::ofstream(config) << "[server]\ndata_dir = \"" << dir << "/var\"\nhttp_listen = \"127.0.0.1:0\"\n"
                        << "smtp_listen = \"127.0.0.1:0\"\nsmpp_listen = \"127.0.0.1:0\"\n"
                        << "[store]\nurl = \"" << pg.url("diskret") << "\"\n"
                        << "[keys]\nmaster_key_file = \"" << dir << "/master.key\"\n"
                        << "[billing]\nenabled = false\n"
                        << "[[smsc]]\nname = \"sim\"\nport = " << smsc_port << "\n";

  auto created = test::run({kBin + "/diskret", "tenant", "create", "--config", config, "--name",
                            "PG GmbH", "--region", "DE", "--json"},
                           dir);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string key(json::parse(created.out).at("api_key").as_string());
  EXPECT_EQ(scalar(pg, "diskret", "SELECT count(*) FROM tenants"), "1");

  auto server = std::make_unique<Background>(
      std::vector<std::string>{kBin + "/diskret", "serve", "--config", config}, dir + "/serve.out",
      dir + "/serve.err");
  auto line = server->wait_for(true, "listening on http://127.0.0.1:", std::chrono::seconds(20));
  ASSERT_TRUE(line) << server->err();
  RawClient client(static_cast<std::uint16_t>(std::stoi(*line)));
  ASSERT_TRUE(client.connected());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (client.request(test::get("/readyz"))->status != 200) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "never ready" << server->err();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string auth = "Authorization: Bearer " + key + "\r\n";

  auto sent = client.request(test::post(
      "/v1/messages", R"({"to":"0151 23456789","text":"Hallo aus PostgreSQL","from":"Diskret"})", auth));
  ASSERT_TRUE(sent);
  ASSERT_EQ(sent->status, 202) << sent->body << server->err();
  const std::string id(json::parse(sent->body).at("messages").as_array().at(0).at("id").as_string());
  std::string status;
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (status != "delivered" && std::chrono::steady_clock::now() < deadline) {
    auto got = client.request(test::get("/v1/messages/" + id, auth));
    ASSERT_TRUE(got);
    ASSERT_EQ(got->status, 200) << got->body;
    status = std::string(json::parse(got->body).at("status").as_string());
    if (status != "delivered") std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(status, "delivered") << server->err();
  EXPECT_EQ(scalar(pg, "diskret", "SELECT count(*) FROM messages WHERE status = 2"), "1");

  // A contact: the contacts tables live in PostgreSQL too, sealed like on SQLite.
  auto contact = client.request(test::post("/v1/contacts", R"({"phone":"+4915160000002"})", auth));
  ASSERT_TRUE(contact);
  ASSERT_EQ(contact->status, 201) << contact->body << server->err();
  auto listed = client.request(test::get("/v1/contacts", auth));
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200) << listed->body;
  EXPECT_NE(listed->body.find("+4915160000002"), std::string::npos) << listed->body;
  EXPECT_EQ(scalar(pg, "diskret", "SELECT count(*) FROM contacts"), "1");
  EXPECT_EQ(scalar(pg, "diskret",
                   "SELECT count(*) FROM contacts WHERE position('4915160000002' in "
                   "encode(sealed, 'escape')) > 0"),
            "0");

  // Backups on PostgreSQL through the CLI: online while the node runs, sealed.
  const std::string backup = dir + "/pg.dkb";
  auto created_backup = test::run({kBin + "/diskret", "backup", "create", "--config", config, backup}, dir);
  ASSERT_EQ(created_backup.exit_code, 0) << created_backup.err;
  {
    std::ifstream in(backup, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_GT(bytes.size(), 1000u);
    EXPECT_EQ(bytes.find("contacts"), std::string::npos) << "the dump is not sealed";
  }
  auto refused = test::run({kBin + "/diskret", "backup", "restore", "--config", config, backup}, dir);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("stop every diskret node"), std::string::npos) << refused.err;
  EXPECT_EQ(scalar(pg, "diskret", "SELECT count(*) FROM contacts"), "1");

  EXPECT_EQ(server->stop(SIGTERM, std::chrono::seconds(20)), 0) << server->err();
  ASSERT_FALSE(pg.execute("DELETE FROM contacts", "diskret"));
  auto restored = test::run({kBin + "/diskret", "backup", "restore", "--config", config, backup}, dir);
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_EQ(scalar(pg, "diskret", "SELECT count(*) FROM contacts"), "1");
  EXPECT_EQ(scalar(pg, "diskret", "SELECT count(*) FROM messages WHERE status = 2"), "1");
  auto verified = test::run({kBin + "/diskret", "audit", "verify", "--config", config}, dir);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  // Nothing of the data went to SQLite files.
  for (const auto& f : fs::directory_iterator(dir + "/var")) {
    EXPECT_NE(f.path().extension(), ".db") << f.path();
  }
  auto log = server->err();
  EXPECT_EQ(log.find("4915123456789"), std::string::npos);
  EXPECT_EQ(log.find("Hallo aus PostgreSQL"), std::string::npos);
}

}  // namespace
}  // namespace diskret
