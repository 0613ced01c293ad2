// Prepaid credits end to end: diskret-vault and diskret serve on loopback sharing the
// service secret; test cards stored through the vault's hosted form; top-ups (approved,
// declined, insufficient funds, a repeated Idempotency-Key charging once, the vault gone
// -> 503); messages until the credit runs out (402); the ledger as CSV; one low-balance
// alert; then every file of diskret's data directory (WAL included) and its logs are
// searched byte by byte for the card numbers and the CVC: nothing.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "integration/authz/diskret_fixture.hpp"

namespace diskret::test {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr const char* kVisaOk = "4242424242424242";
constexpr const char* kDeclined = "4000000000000002";
constexpr const char* kNoFunds = "4000000000009995";
constexpr const char* kCvc = "739";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class Credits : public DiskretFixture {
 protected:
  void SetUp() override {
    DiskretFixture::SetUp();
    ASSERT_TRUE(fs::exists(kBin + "/diskret-vault")) << "build the diskret-vault target";
    secret_ = dir_ + "/shared/vault.secret";
    fs::create_directories(dir_ + "/shared");
    fs::permissions(dir_ + "/shared", fs::perms::owner_all);
    std::ofstream(dir_ + "/vault.toml")
        << "[server]\ndata_dir = \"" << dir_ << "/vault\"\nhttp_listen = \"127.0.0.1:0\"\n"
        << "[vault]\nportal_origin = \"https://portal.example\"\nservice_secret_file = \""
        << secret_ << "\"\n";
    vault_ = std::make_unique<Background>(
        std::vector<std::string>{kBin + "/diskret-vault", "serve", "--config", dir_ + "/vault.toml"},
        dir_ + "/vault.out", dir_ + "/vault.err");
    auto line = vault_->wait_for(false, "serving on port ", std::chrono::seconds(20));
    ASSERT_TRUE(line) << vault_->err();
    vault_port_ = static_cast<std::uint16_t>(std::stoi(*line));
    std::ofstream(config_, std::ios::trunc)
        << "[server]\ndata_dir = \"" << dir_ << "/var\"\n"
        << "http_listen = \"127.0.0.1:0\"\nsmtp_listen = \"127.0.0.1:0\"\n"
        << "smpp_listen = \"127.0.0.1:0\"\n"
        << "[billing]\nenabled = true\nvault_url = \"http://127.0.0.1:" << vault_port_ << "\"\n"
        << "vault_secret_file = \"" << secret_ << "\"\nprice_cents_per_segment = 10\n"
        << "low_balance_cents = 15\n"
        << "[[smsc]]\nname = \"nowhere\"\nhost = \"127.0.0.1\"\nport = 9\n";
  }
  void TearDown() override {
    vault_.reset();
    DiskretFixture::TearDown();
  }

  RawResponse call(const std::string& method, const std::string& path, const std::string& key,
                   const std::string& body = {}, const std::string& extra_headers = {}) {
    RawClient client(port_);
    std::string raw = request(method, path, key, body);
    if (!extra_headers.empty()) raw.insert(raw.find("\r\n") + 2, extra_headers);
    auto r = client.request(raw);
    EXPECT_TRUE(r) << method << " " << path << ": no answer";
    return r.value_or(RawResponse{});
  }

  RawResponse topup(const std::string& key, std::int64_t cents, const std::string& token,
                    const std::string& idempotency_key) {
    return call("POST", "/v1/topups", key,
                json::serialize(json::object{{"amount_cents", cents}, {"card_token", token}}),
                "Idempotency-Key: " + idempotency_key + "\r\n");
  }

  std::int64_t balance(const std::string& key) {
    auto r = call("GET", "/v1/balance", key);
    EXPECT_EQ(r.status, 200) << r.body;
    auto o = json::parse(r.body).as_object();
    EXPECT_EQ(o.at("currency").as_string(), "EUR");
    return o.at("balance_cents").as_int64();
  }

  // The portal's way: the signed form URL from diskret, the form from the vault, the card
  // posted straight to the vault. diskret sees only the token.
  std::string store_card(const std::string& key, const std::string& number) {
    auto form = call("GET", "/v1/cards/form", key);
    EXPECT_EQ(form.status, 200) << form.body;
    const std::string url(json::parse(form.body).at("url").as_string());
    const std::string target = url.substr(url.find('/', url.find("//") + 2));
    RawClient vault(vault_port_);
    auto page = vault.request(request("GET", target, ""));
    EXPECT_TRUE(page && page->status == 200);
    std::smatch m;
    EXPECT_TRUE(page && std::regex_search(page->body, m, std::regex(R"re(data-endpoint="([^"]+)")re")));
    const std::string endpoint = std::regex_replace(m[1].str(), std::regex("&amp;"), "&");
    json::object card{{"number", number}, {"exp_month", 11}, {"exp_year", 2031},
                      {"cvc", kCvc}, {"holder", "Erika Mustermann"}};
    RawClient vault2(vault_port_);
    auto stored = vault2.request(request("POST", endpoint, "", json::serialize(card)));
    EXPECT_TRUE(stored);
    EXPECT_EQ(stored->status, 201) << stored->body;
    return std::string(json::parse(stored->body).at("token").as_string());
  }

  void scan_files(bool running);

  std::string secret_;
  std::unique_ptr<Background> vault_;
  std::uint16_t vault_port_ = 0;
  std::uint16_t port_ = 0;
};

TEST_F(Credits, TopUpSpendLedgerAndNoCardDataInDiskret) {
  auto [tenant, owner] = create_tenant("Credit GmbH");
  const std::string viewer = create_key(tenant, "viewer");
  port_ = start_server();
  ASSERT_GT(port_, 0);

  const std::string ok = store_card(owner, kVisaOk);
  const std::string declined = store_card(owner, kDeclined);
  const std::string no_funds = store_card(owner, kNoFunds);

  auto cards = call("GET", "/v1/cards", owner);
  ASSERT_EQ(cards.status, 200) << cards.body;
  auto list = json::parse(cards.body).at("data").as_array();
  ASSERT_EQ(list.size(), 3u);
  for (const auto& c : list) {
    std::set<std::string> keys;
    for (const auto& kv : c.as_object()) keys.insert(std::string(kv.key()));
    EXPECT_EQ(keys, (std::set<std::string>{"token", "brand", "last4", "exp_month", "exp_year"}));
  }
  EXPECT_EQ(call("GET", "/v1/cards", viewer).status, 403);
  EXPECT_EQ(topup(viewer, 100, ok, "v-1").status, 403);

  // The three test cards' outcomes.
  auto d = topup(owner, 500, declined, "d-1");
  EXPECT_EQ(d.status, 402) << d.body;
  EXPECT_NE(d.body.find("card_declined"), std::string::npos) << d.body;
  auto f = topup(owner, 500, no_funds, "f-1");
  EXPECT_EQ(f.status, 402) << f.body;
  EXPECT_NE(f.body.find("insufficient_funds"), std::string::npos) << f.body;
  EXPECT_EQ(balance(owner), 0);

  auto first = topup(owner, 50, ok, "top-1");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(json::parse(first.body).at("balance_cents").as_int64(), 50);
  auto again = topup(owner, 50, ok, "top-1");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(json::parse(again.body).at("charge_id"), json::parse(first.body).at("charge_id"));
  EXPECT_EQ(topup(owner, 70, ok, "top-1").status, 422);
  EXPECT_EQ(balance(owner), 50);  // charged once
  EXPECT_EQ(balance(viewer), 50);

  // 10 cents a message: five go out, the sixth is refused with 402.
  int accepted = 0;
  RawResponse last;
  for (int i = 0; i < 10; ++i) {
    last = call("POST", "/v1/messages", owner,
                R"({"to":["0151 2345678)" + std::to_string(i) + R"("],"text":"Hallo","from":"Diskret"})");
    if (last.status != 202) break;
    ++accepted;
  }
  EXPECT_EQ(accepted, 5);
  EXPECT_EQ(last.status, 402) << last.body;
  EXPECT_EQ(last.header("Content-Type"), "application/problem+json");
  EXPECT_NE(last.body.find("insufficient_credit"), std::string::npos);
  EXPECT_EQ(balance(owner), 0);
  // With an Idempotency-Key the retry gets the same answer: 402 again, marked replayed.
  const std::string unpaid_body = R"({"to":"0151 23456799","text":"Hallo","from":"Diskret"})";
  auto refused = call("POST", "/v1/messages", owner, unpaid_body, "Idempotency-Key: unpaid-1\r\n");
  EXPECT_EQ(refused.status, 402) << refused.body;
  auto replay = call("POST", "/v1/messages", owner, unpaid_body, "Idempotency-Key: unpaid-1\r\n");
  EXPECT_EQ(replay.status, 402) << replay.body;
  EXPECT_EQ(replay.header("Idempotent-Replayed"), "true");
  // Two recipients with 10 cents: the first paid, the second rejected, 202.
  ASSERT_EQ(topup(owner, 10, ok, "top-2").status, 201);
  auto mixed = call("POST", "/v1/messages", owner,
                    R"({"to":["0151 23456700","0151 23456701"],"text":"Hallo","from":"Diskret"})");
  EXPECT_EQ(mixed.status, 202) << mixed.body;
  auto messages = json::parse(mixed.body).at("messages").as_array();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].at("status").as_string(), "accepted");
  EXPECT_EQ(messages[1].at("status").as_string(), "rejected");
  EXPECT_EQ(messages[1].at("error").at("code").as_string(), "insufficient_credit");

  // The ledger as CSV: 2 top-ups and 6 debits, newest first.
  auto csv = call("GET", "/v1/ledger", viewer, {}, "Accept: text/csv\r\n");
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("Content-Type").rfind("text/csv", 0), 0u);
  std::istringstream lines(csv.body);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line.rfind("id,created_at,kind,", 0), 0u) << line;
  int topups = 0, debits = 0;
  while (std::getline(lines, line)) {
    topups += line.find(",topup,card,tenant,") != std::string::npos;
    debits += line.find(",debit,tenant,messages,10,") != std::string::npos;
  }
  EXPECT_EQ(topups, 2);
  EXPECT_EQ(debits, 6);

  // One low-balance alert: the balance fell below 15 cents once (the 10-cent top-up
  // stayed below the threshold, so no new crossing).
  int low = 0;
  for (int i = 0; i < 100 && low == 0; ++i) {
    auto alerts = call("GET", "/v1/alerts", owner);
    ASSERT_EQ(alerts.status, 200) << alerts.body;
    low = 0;
    const json::value parsed = json::parse(alerts.body);
    for (const auto& a : parsed.at("data").as_array()) {
      low += a.at("kind").as_string() == "billing.low_balance";
    }
    if (low == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(low, 1);

  EXPECT_EQ(call("DELETE", "/v1/cards/" + declined, owner).status, 204);
  EXPECT_EQ(json::parse(call("GET", "/v1/cards", owner).body).at("data").as_array().size(), 2u);

  // The vault gone: 503, nothing credited.
  ASSERT_TRUE(vault_->stop(SIGTERM, std::chrono::seconds(10)));
  auto gone = topup(owner, 100, ok, "top-3");
  EXPECT_EQ(gone.status, 503) << gone.body;
  EXPECT_EQ(balance(owner), 0);

  // diskret's files: the database (with its -wal while running), key store, logs and an
  // online backup. No card number, no CVC; searched while serving and again after the stop.
  auto backup = diskret({"backup", "create", dir_ + "/credits.dbk"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  scan_files(true);
  ASSERT_EQ(server_->stop(SIGTERM, std::chrono::seconds(20)), std::optional<int>(0));
  scan_files(false);
}

void Credits::scan_files(bool running) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir_ + "/var")) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  files.push_back(dir_ + "/serve.out");
  files.push_back(dir_ + "/serve.err");
  files.push_back(dir_ + "/credits.dbk");
  bool saw_ledger = false;
  bool saw_wal = false;
  for (const auto& p : files) {
    saw_wal = saw_wal || p.string().ends_with("-wal");
    const std::string bytes = slurp(p);
    for (const char* pan : {kVisaOk, kDeclined, kNoFunds}) {
      EXPECT_EQ(bytes.find(pan), std::string::npos) << "card number in " << p;
      const std::string middle = std::string(pan).substr(6, 6);
      if (std::set<char>(middle.begin(), middle.end()).size() >= 2 && middle != "000000") {
        EXPECT_EQ(bytes.find(middle), std::string::npos) << "middle digits in " << p;
      }
    }
    for (const std::string form : {"\"cvc\":\"", "cvc=", "cvc\":", "cvc"}) {
      EXPECT_EQ(bytes.find(form + kCvc), std::string::npos) << "CVC in " << p;
    }
    saw_ledger = saw_ledger || bytes.find("ledger_entries") != std::string::npos;
  }
  EXPECT_TRUE(saw_ledger);  // the search sees the database
  if (running) EXPECT_TRUE(saw_wal) << "no -wal file to search";
}

}  // namespace
}  // namespace diskret::test
