// The vault end to end on loopback: the hosted form, POST /v1/cards, charges through the
// platform's VaultClient, idempotency, refused unsigned and replayed calls; afterwards every
// file in the vault's data directory is searched byte by byte for the card numbers, the
// CVCs and the holder names.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "vault/card_number.hpp"
#include "vault/sqlite.hpp"
#include "vault/test_acquirer.hpp"
#include "vault/vault_app.hpp"
#include "vault_client/http_transport.hpp"
#include "vault_client/signing.hpp"
#include "vault_client/vault_client.hpp"

namespace diskret::vault {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using vault_client::BaseUrl;
using vault_client::ChargeStatus;
using vault_client::VaultClient;

constexpr std::string_view kPortal = "http://portal.test:8080";
constexpr std::string_view kOwner = "tenant-42";

struct TestCard {
  std::string number;
  std::string cvc;
  std::string holder;
};

// A Visa number whose middle digits are unlike any test card, so their absence means
// something.
std::string distinctive_visa() {
  std::string prefix = "4716839275";
  for (char a = '0'; a <= '9'; ++a) {
    for (char b = '0'; b <= '9'; ++b) {
      std::string n = prefix + "5810" + a + b;
      if (luhn_valid(n)) return n;
    }
  }
  return {};
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The hex strings the vault writes on purpose (audit hashes, key ids, the key files): any
// short digit string turns up in them by chance, so they are blanked before searching.
std::vector<std::string> known_hex(const VaultConfig& config) {
  std::vector<std::string> known;
  auto db = Database::open(config.database_file());
  EXPECT_TRUE(db);
  for (std::string_view sql : {"SELECT hash FROM audit", "SELECT prev_hash FROM audit",
                               "SELECT master_key_id FROM key_wraps"}) {
    auto stmt = db->prepare(sql);
    EXPECT_TRUE(stmt);
    while (stmt->step().value_or(false)) known.push_back(stmt->text(0));
  }
  for (const auto& file : {config.master_key_file, config.service_secret_file}) {
    auto text = read_all(file);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    known.push_back(text);
  }
  return known;
}

// Where `needle` occurs in any file under `dir`, after blanking `known`.
std::vector<std::string> occurrences(const fs::path& dir, std::string_view needle,
                                     const std::vector<std::string>& known) {
  std::vector<std::string> hits;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::string data = read_all(entry.path());
    for (const auto& k : known) {
      if (k.empty()) continue;
      for (auto p = data.find(k); p != std::string::npos; p = data.find(k, p + k.size())) {
        std::fill_n(data.begin() + static_cast<std::ptrdiff_t>(p), k.size(), '#');
      }
    }
    for (auto pos = data.find(needle); pos != std::string::npos; pos = data.find(needle, pos + 1)) {
      hits.push_back(entry.path().filename().string() + "@" + std::to_string(pos));
    }
  }
  return hits;
}

class VaultEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("diskret-vault-itest-" + crypto::random_token(6));
    config_.data_dir = (root_ / "data").string();
    config_.master_key_file = (root_ / "data" / "master.key").string();
    config_.service_secret_file = (root_ / "data" / "vault.secret").string();
    config_.http_listen = "127.0.0.1:0";
    config_.portal_origin = std::string(kPortal);
    auto acquirer = std::make_unique<TestAcquirer>();
    acquirer_ = acquirer.get();
    auto app = VaultApp::open(config_, SystemClock::instance(), std::move(acquirer));
    ASSERT_TRUE(app) << app.error().message();
    app_ = std::move(*app);
    ASSERT_TRUE(app_->start());
    base_ = "http://127.0.0.1:" + std::to_string(app_->port());
    // The platform reads the same secret file ([billing] vault_secret_file).
    auto secret = load_service_secret(config_.service_secret_file);
    ASSERT_TRUE(secret);
    auto client = VaultClient::create({base_, 5000ms}, *secret);
    ASSERT_TRUE(client);
    client_ = std::make_unique<VaultClient>(std::move(*client));
    url_ = *vault_client::parse_base_url(base_);
  }

  void TearDown() override {
    app_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  Expected<vault_client::HttpReply> send(std::string_view method, std::string_view target,
                                         std::string_view body = {},
                                         const vault_client::HeaderList& headers = {}) {
    return vault_client::http_request(url_, method, target, headers, body, 5000ms);
  }

  // Opens the form the way the portal's iframe does and returns the endpoint it posts to.
  std::string open_form() {
    auto url = client_->form_url(kOwner);
    EXPECT_TRUE(url);
    auto page = send("GET", url->substr(base_.size()));
    EXPECT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    std::smatch m;
    std::regex endpoint(R"re(data-endpoint="([^"]+)")re");
    EXPECT_TRUE(std::regex_search(page->body, m, endpoint));
    return std::regex_replace(m[1].str(), std::regex("&amp;"), "&");
  }

  std::string store(const std::string& endpoint, const TestCard& card) {
    json::object body{{"number", card.number}, {"exp_month", 11}, {"exp_year", 2031},
                      {"cvc", card.cvc}, {"holder", card.holder}};
    auto reply = send("POST", endpoint, json::serialize(body));
    EXPECT_TRUE(reply);
    EXPECT_EQ(reply->status, 201) << reply->body;
    auto v = json::parse(reply->body).as_object();
    EXPECT_EQ(v.at("last4").as_string(), card.number.substr(card.number.size() - 4));
    return std::string(v.at("token").as_string());
  }

  void scan_for_card_data(const std::vector<TestCard>& cards) {
    const auto known = known_hex(config_);
    auto search = [&](std::string_view needle) { return occurrences(config_.data_dir, needle, known); };
    const std::vector<std::string> none;
    for (const auto& c : cards) {
      const std::string last4 = c.number.substr(c.number.size() - 4);
      EXPECT_EQ(search(c.number), none) << "PAN of the card ending " << last4;
      // The middle digits are never kept; where they are distinctive, search for them too.
      const std::string middle = c.number.substr(6, c.number.size() - 10);
      if (std::set<char>(middle.begin(), middle.end()).size() >= 3) {
        EXPECT_EQ(search(middle), none) << "middle digits of the card ending " << last4;
      }
      EXPECT_EQ(search(c.holder), none) << "holder of the card ending " << last4;
      // Four digits cannot turn up in the remaining bytes by chance; three can, so those
      // are searched in the contexts a leak would have.
      if (c.cvc.size() == 4) {
        EXPECT_EQ(search(c.cvc), none) << "CVC of the card ending " << last4;
      }
      for (std::string_view form : {"\"cvc\":\"", "cvc=", "cvc\":", "cvc"}) {
        EXPECT_EQ(search(std::string(form) + c.cvc), none) << "CVC of the card ending " << last4;
      }
      EXPECT_EQ(search(c.cvc + "\",\"holder"), none);
    }
    // The owner reference is stored in the clear: proof that the search sees the data.
    EXPECT_FALSE(search("tenant-42").empty());
  }

  vault_client::ChargeRequest charge_of(std::string token, std::string key, std::int64_t cents = 1500) {
    return {std::string(kOwner), std::move(token), cents, "EUR", std::move(key)};
  }

  fs::path root_;
  VaultConfig config_;
  TestAcquirer* acquirer_ = nullptr;
  std::unique_ptr<VaultApp> app_;
  std::string base_;
  BaseUrl url_;
  std::unique_ptr<VaultClient> client_;
};

TEST_F(VaultEndToEnd, FormIsServedWithFrameAncestorsOfThePortalOnly) {
  auto url = client_->form_url(kOwner);
  ASSERT_TRUE(url);
  auto page = send("GET", url->substr(base_.size()));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  const std::string csp(page->header("Content-Security-Policy"));
  EXPECT_NE(csp.find("frame-ancestors http://portal.test:8080"), std::string::npos) << csp;
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(page->header("X-Content-Type-Options"), "nosniff");
  auto script = send("GET", "/form.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_NE(script->body.find("postMessage"), std::string::npos);
  auto forged = send("GET", "/form?owner=tenant-43&expires=9999999999&sig=" + std::string(64, '0'));
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  // Other endpoints cannot be framed at all.
  auto health = send("GET", "/healthz");
  EXPECT_NE(std::string(health->header("Content-Security-Policy")).find("frame-ancestors 'none'"),
            std::string::npos);
}

TEST_F(VaultEndToEnd, StoresChargesIdempotentlyRefusesForgeriesAndLeavesNoCardDataOnDisk) {
  // One Amex card, so that one CVC has four digits and can be searched for as plain bytes.
  const std::vector<TestCard> cards{
      {std::string(kTestCardApproves), "731", "Erika Mustermann"},
      {std::string(kTestCardDeclines), "602", "Max Mustermann"},
      {std::string(kTestCardInsufficientFunds), "594", "Jürgen Groß"},
      {"378282246310005", "7319", "Ada Amexfrau"},
      {distinctive_visa(), "815", "Anna Beispielfrau"}};
  const std::string endpoint = open_form();
  std::vector<std::string> tokens;
  for (const auto& c : cards) tokens.push_back(store(endpoint, c));

  auto listed = client_->list_cards(kOwner);
  ASSERT_TRUE(listed) << listed.error().message();
  ASSERT_EQ(listed->size(), 5u);
  EXPECT_EQ((*listed)[3].brand, "amex");
  EXPECT_EQ((*listed)[0].brand, "visa");
  EXPECT_EQ((*listed)[0].last4, "4242");
  EXPECT_TRUE(client_->list_cards("tenant-other")->empty());

  auto approved = client_->charge(charge_of(tokens[0], "topup-1"));
  ASSERT_TRUE(approved) << approved.error().message();
  EXPECT_EQ(approved->status, ChargeStatus::approved);
  auto declined = client_->charge(charge_of(tokens[1], "topup-2"));
  ASSERT_TRUE(declined);
  EXPECT_EQ(declined->status, ChargeStatus::declined);
  EXPECT_EQ(declined->reason, "card_declined");
  auto poor = client_->charge(charge_of(tokens[2], "topup-3"));
  ASSERT_TRUE(poor);
  EXPECT_EQ(poor->status, ChargeStatus::declined);
  EXPECT_EQ(poor->reason, "insufficient_funds");
  EXPECT_EQ(acquirer_->charges_made(), 3u);

  auto repeat = client_->charge(charge_of(tokens[0], "topup-1"));
  ASSERT_TRUE(repeat);
  EXPECT_TRUE(repeat->replayed);
  EXPECT_EQ(repeat->charge_id, approved->charge_id);
  EXPECT_EQ(acquirer_->charges_made(), 3u);
  EXPECT_EQ(acquirer_->approved_cents(), 1500);
  auto conflict = client_->charge(charge_of(tokens[0], "topup-1", 9900));
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, vault_client::Errc::conflict);

  // Unsigned, wrongly signed and replayed service calls are refused.
  const std::string charge_body =
      R"({"owner":"tenant-42","token":")" + tokens[4] +
      R"(","amount_cents":100,"currency":"EUR","idempotency_key":"sneaky"})";
  auto unsigned_call = send("POST", "/v1/service/charges", charge_body);
  ASSERT_TRUE(unsigned_call);
  EXPECT_EQ(unsigned_call->status, 401);
  auto secret = load_service_secret(config_.service_secret_file);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  auto h = vault_client::sign_request(*secret, "POST", "/v1/service/charges", charge_body, now);
  vault_client::HeaderList signed_headers{
      {std::string(vault_client::kTimestampHeader), h.timestamp},
      {std::string(vault_client::kNonceHeader), h.nonce},
      {std::string(vault_client::kSignatureHeader), h.signature}};
  auto first = send("POST", "/v1/service/charges", charge_body, signed_headers);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 201) << first->body;
  auto replayed = send("POST", "/v1/service/charges", charge_body, signed_headers);
  ASSERT_TRUE(replayed);
  EXPECT_EQ(replayed->status, 401);
  EXPECT_NE(replayed->body.find("nonce was already used"), std::string::npos);
  auto stranger = VaultClient::create({base_, 5000ms}, crypto::SecretKey::generate());
  auto refused = stranger->list_cards(kOwner);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, vault_client::Errc::unauthenticated);
  EXPECT_EQ(acquirer_->charges_made(), 4u);

  ASSERT_TRUE(client_->delete_card(kOwner, tokens[4]));
  EXPECT_EQ(client_->list_cards(kOwner)->size(), 4u);
  EXPECT_EQ(client_->delete_card(kOwner, tokens[4]).error().code, vault_client::Errc::not_found);

  // Everything the vault wrote: while it runs (database, WAL, shared memory) and after
  // it stopped (WAL checkpointed into the database).
  scan_for_card_data(cards);
  app_.reset();
  auto audit = verify_audit(config_, SystemClock::instance());
  ASSERT_TRUE(audit) << audit.error().message();
  EXPECT_GE(*audit, 12u);
  scan_for_card_data(cards);
}

TEST_F(VaultEndToEnd, TheCardEndpointIsRateLimitedPerAddress) {
  const std::string endpoint = open_form();
  int limited = 0;
  for (int i = 0; i < 12; ++i) {
    auto reply = send("POST", endpoint, R"({"number":"1"})");
    ASSERT_TRUE(reply);
    if (reply->status == 429) ++limited;
  }
  EXPECT_EQ(limited, 2);  // burst of 10 per address by default
}

}  // namespace
}  // namespace diskret::vault
