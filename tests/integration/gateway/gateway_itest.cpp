// Email to SMS end to end: `diskret serve` with a temp data dir against diskret-smsc on
// free ports, a tenant made with the CLI, the real swaks client authenticating with the
// tenant id and its API key, the message followed over the API until it is delivered.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "integration/http/raw_client.hpp"
#include "integration/serve/process.hpp"
#include "integration/smtp/swaks.hpp"

namespace diskret {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using test::Background;

const std::string kBin = DISKRET_BIN_DIR;

std::uint16_t leading_port(const std::optional<std::string>& line) {
  if (!line) return 0;
  return static_cast<std::uint16_t>(std::stoi(line->substr(0, line->find_first_not_of("0123456789"))));
}

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(kBin + "/diskret-smsc")) << "build the diskret-smsc target";
    ASSERT_TRUE(fs::exists(kBin + "/diskret")) << "build the diskret target";
    ASSERT_TRUE(fs::exists("/usr/bin/swaks")) << "install the swaks package";
    char pattern[] = "/tmp/diskret-gateway-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;

    smsc_ = std::make_unique<Background>(
        std::vector<std::string>{kBin + "/diskret-smsc", "--listen", "127.0.0.1:0", "--control", "off",
                                 "--system-id", "diskret", "--password", "secret", "--dlr-delay-ms", "20"},
        dir_ + "/smsc.out", dir_ + "/smsc.err");
    auto smsc_port = leading_port(smsc_->wait_for(false, "SMPP on 127.0.0.1:", std::chrono::seconds(10)));
    ASSERT_NE(smsc_port, 0) << smsc_->err();

    config_ = dir_ + "/diskret.toml";
    std::ofstream(config_) << "[server]\ndata_dir = \"" << dir_ << "/var\"\nhttp_listen = \"127.0.0.1:0\"\n"
                           << "smtp_listen = \"127.0.0.1:0\"\nsmpp_listen = \"127.0.0.1:0\"\n"
                           << "[billing]\nenabled = false\n"
                           << "[[smsc]]\nname = \"sim\"\nport = " << smsc_port << "\n";

    auto created = test::run({kBin + "/diskret", "tenant", "create", "--config", config_, "--name",
                              "Mail GmbH", "--region", "DE", "--json"},
                             dir_);
    ASSERT_EQ(created.exit_code, 0) << created.err;
    auto o = json::parse(created.out).as_object();
    tenant_ = std::string(o.at("tenant_id").as_string());
    key_ = std::string(o.at("api_key").as_string());

    server_ = std::make_unique<Background>(
        std::vector<std::string>{kBin + "/diskret", "serve", "--config", config_}, dir_ + "/serve.out",
        dir_ + "/serve.err");
    http_port_ = leading_port(server_->wait_for(true, "listening on http://127.0.0.1:", std::chrono::seconds(15)));
    ASSERT_NE(http_port_, 0) << server_->err();
    smtp_port_ = leading_port(server_->wait_for(true, "SMTP on 127.0.0.1:", std::chrono::seconds(5)));
    ASSERT_NE(smtp_port_, 0) << server_->err();
  }
  void TearDown() override {
    server_.reset();
    smsc_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  smtp::test::SwaksRun send_mail(const std::string& password) {
    return smtp::test::swaks(smtp_port_, {"--to", "015112345678@sms.localhost", "--from", "a@b.de",
                                          "--auth", "PLAIN", "--auth-user", tenant_, "--auth-password",
                                          password, "--body", "Hallo aus der Mail"});
  }

  /// GET /v1/messages as the tenant.
  json::array messages() {
    test::RawClient client(http_port_);
    auto got = client.request(test::get("/v1/messages", "Authorization: Bearer " + key_ + "\r\n"));
    EXPECT_TRUE(got);
    if (!got) return {};
    EXPECT_EQ(got->status, 200) << got->body;
    return json::parse(got->body).at("data").as_array();
  }

  std::string dir_, config_, tenant_, key_;
  std::uint16_t http_port_ = 0, smtp_port_ = 0;
  std::unique_ptr<Background> smsc_;
  std::unique_ptr<Background> server_;
};

TEST_F(GatewayTest, MailBecomesADeliveredSms) {
  auto run = send_mail(key_);
  // The reply to the end of DATA, sent only after the commit.
  ASSERT_TRUE(run.replied("250 2.0.0 Message accepted")) << run.transcript;
  EXPECT_EQ(run.exit_code, 0) << run.transcript;

  std::string status;
  json::object view;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (status != "delivered" && std::chrono::steady_clock::now() < deadline) {
    auto list = messages();
    ASSERT_EQ(list.size(), 1u) << json::serialize(list);
    view = list.at(0).as_object();
    status = std::string(view.at("status").as_string());
    if (status != "delivered") std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(status, "delivered") << json::serialize(view) << server_->err();
  EXPECT_EQ(view.at("to").as_string(), "+4915112345678");
  EXPECT_EQ(view.at("from").as_string(), "Diskret");

  auto log = server_->err();
  EXPECT_EQ(log.find("15112345678"), std::string::npos) << "no unmasked number in the log";
  EXPECT_EQ(log.find("Hallo aus der Mail"), std::string::npos) << "no text in the log";
  EXPECT_EQ(server_->stop(SIGTERM, std::chrono::seconds(20)), 0) << server_->err();
}

TEST_F(GatewayTest, WrongPasswordIs535AndSendsNothing) {
  auto run = send_mail("dsk_live_wrong");
  EXPECT_TRUE(run.replied("535")) << run.transcript;
  EXPECT_FALSE(run.replied("250 2.0.0 Message accepted")) << run.transcript;
  EXPECT_NE(run.exit_code, 0);
  EXPECT_TRUE(messages().empty());
}

TEST_F(GatewayTest, RegisteredSenderAddressSendsWithoutAuthFromItsNetworkOnly) {
  test::RawClient client(http_port_);
  const std::string auth = "Authorization: Bearer " + key_ + "\r\n";
  auto post = [&](const std::string& body) {
    return client.request(test::post("/v1/smtp-senders", body, auth));
  };
  auto bad = post(R"({"address":"erp@praxis.de","networks":["127.0.0.1/8"]})");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422) << bad->body;  // host bits set
  auto elsewhere = post(R"({"address":"ops@praxis.de","networks":["198.51.100.0/24"]})");
  ASSERT_EQ(elsewhere->status, 201) << elsewhere->body;
  auto added = post(R"({"address":"ERP@praxis.de","networks":["127.0.0.0/8"]})");
  ASSERT_EQ(added->status, 201) << added->body;
  EXPECT_EQ(json::parse(added->body).at("address").as_string(), "erp@praxis.de");
  EXPECT_EQ(post(R"({"address":"erp@praxis.de","networks":["127.0.0.0/8"]})")->status, 409);
  auto listed = client.request(test::get("/v1/smtp-senders", auth));
  ASSERT_EQ(listed->status, 200);
  EXPECT_EQ(json::parse(listed->body).at("data").as_array().size(), 2u);

  auto mail = [&](const std::string& from) {
    return smtp::test::swaks(smtp_port_, {"--to", "015112345678@sms.localhost", "--from", from,
                                          "--body", "Ihre Bestellung ist versandt."});
  };
  auto registered = mail("erp@praxis.de");
  EXPECT_TRUE(registered.replied("250 2.0.0 Message accepted")) << registered.transcript;
  auto unknown = mail("someone@praxis.de");
  EXPECT_TRUE(unknown.replied("530")) << unknown.transcript;
  auto other_network = mail("ops@praxis.de");  // registered, but not for 127.0.0.1
  EXPECT_TRUE(other_network.replied("530")) << other_network.transcript;
  ASSERT_EQ(messages().size(), 1u);

  const auto id = json::parse(added->body).at("id").as_int64();
  auto removed = client.request(
      "DELETE /v1/smtp-senders/" + std::to_string(id) + " HTTP/1.1\r\nHost: t\r\n" + auth + "\r\n");
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 204);
  EXPECT_TRUE(mail("erp@praxis.de").replied("530"));
  EXPECT_EQ(messages().size(), 1u);
}

}  // namespace
}  // namespace diskret
