// docs/openapi.json cannot drift from the code:
//  (a) the document describes exactly the routes `diskret serve` registers,
//  (b) GET /v1/openapi.json serves the document the binary was built with (public,
//      cacheable),
//  (c) every documented operation is called against a real server (diskret-smsc as the
//      carrier, billing on with a real diskret-vault) with valid and invalid requests, and
//      every response the server gave (DISKRET_RESPONSE_LOG records each one with its
//      route template) has a documented status and media type and a body that validates
//      against the documented schema.
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "integration/authz/diskret_fixture.hpp"
#include "portal/totp.hpp"
#include "support/json_schema.hpp"

namespace diskret::test {
namespace {

namespace json = boost::json;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class OpenApiContract : public DiskretFixture {
 protected:
  void SetUp() override {
    DiskretFixture::SetUp();
    ASSERT_TRUE(std::filesystem::exists(kBin + "/diskret-vault")) << "build diskret-vault";
    ASSERT_TRUE(std::filesystem::exists(kBin + "/diskret-smsc")) << "build diskret-smsc";
    const std::string secret = dir_ + "/shared/vault.secret";
    std::filesystem::create_directories(dir_ + "/shared");
    std::ofstream(dir_ + "/vault.toml")
        << "[server]\ndata_dir = \"" << dir_ << "/vault\"\nhttp_listen = \"127.0.0.1:0\"\n"
        << "[vault]\nportal_origin = \"https://portal.example\"\nservice_secret_file = \""
        << secret << "\"\n";
    vault_ = std::make_unique<Background>(
        std::vector<std::string>{kBin + "/diskret-vault", "serve", "--config", dir_ + "/vault.toml"},
        dir_ + "/vault.out", dir_ + "/vault.err");
    auto vault_port = vault_->wait_for(false, "serving on port ", std::chrono::seconds(20));
    ASSERT_TRUE(vault_port) << vault_->err();
    vault_port_ = static_cast<std::uint16_t>(std::stoi(*vault_port));
    smsc_ = std::make_unique<Background>(
        std::vector<std::string>{kBin + "/diskret-smsc", "--listen", "127.0.0.1:0", "--control",
                                 "127.0.0.1:0", "--system-id", "diskret", "--password", "secret",
                                 "--dlr-delay-ms", "20"},
        dir_ + "/smsc.out", dir_ + "/smsc.err");
    auto smsc_line = smsc_->wait_for(false, "SMPP on 127.0.0.1:", std::chrono::seconds(10));
    ASSERT_TRUE(smsc_line) << smsc_->err();
    const std::string smsc_port = smsc_line->substr(0, smsc_line->find_first_not_of("0123456789"));
    const auto control = smsc_line->rfind(':');
    ASSERT_NE(control, std::string::npos) << *smsc_line;
    control_port_ = static_cast<std::uint16_t>(std::stoi(smsc_line->substr(control + 1)));
    std::ofstream(config_, std::ios::trunc)
        << "[server]\ndata_dir = \"" << dir_ << "/var\"\n"
        << "http_listen = \"127.0.0.1:0\"\nsmtp_listen = \"127.0.0.1:0\"\n"
        << "smpp_listen = \"127.0.0.1:0\"\n"
        << "[billing]\nenabled = true\nvault_url = \"http://127.0.0.1:" << std::stoi(*vault_port)
        << "\"\nvault_secret_file = \"" << secret << "\"\n"
        << "[links]\ndomain = \"sms.oas.example\"\n"
        << "[security]\ncontact = [\"mailto:security@oas.example\"]\n"
        << "pumping_prefix_per_hour = 1\n"  // a second message to one range is held
        << "[webhooks]\nallow_private_hosts = true\n"
        << "[[smsc]]\nname = \"sim\"\nhost = \"127.0.0.1\"\nport = " << smsc_port << "\n"
        << "system_id = \"diskret\"\npassword = \"secret\"\n";
    log_ = dir_ + "/responses.jsonl";
    // Inherited by the server this test starts (and nothing else: the variable is the
    // test's own and removed in TearDown).
    ::setenv("DISKRET_RESPONSE_LOG", log_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("DISKRET_RESPONSE_LOG");
    DiskretFixture::TearDown();
    smsc_.reset();
    vault_.reset();
  }

  RawResponse call(const std::string& method, const std::string& path, const std::string& key,
                   const std::string& body = {}, const std::string& type = "application/json",
                   const std::vector<std::string>& headers = {}) {
    std::string r = request(method, path, key, body, type);
    std::string extra;
    for (const auto& h : headers) extra += h + "\r\n";
    r.insert(r.find("\r\n") + 2, extra);
    RawClient client(port_);
    auto answer = client.request(r);
    EXPECT_TRUE(answer) << method << " " << path << ": no answer";
    return answer.value_or(RawResponse{});
  }
  /// Calls and expects `status`; returns the parsed JSON body (null when empty or not JSON).
  json::value expect(int status, const std::string& method, const std::string& path,
                     const std::string& key, const std::string& body = {},
                     const std::vector<std::string>& headers = {},
                     const std::string& type = "application/json") {
    auto r = call(method, path, key, body, type, headers);
    EXPECT_EQ(r.status, status) << method << " " << path << ": " << r.body;
    // A body the server accepted must also be one the document describes as valid.
    if (doc_ != nullptr && r.status < 300 && !body.empty() && type == "application/json") {
      const std::string route = doc_->route_of(method, path);
      for (const auto& e : doc_->check_request(method, route, body)) {
        ADD_FAILURE() << "accepted request body of " << method << " " << route
                      << " is not valid by the document: " << e << "\n  body: " << body;
      }
    }
    last_ = r;
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    return ec ? json::value() : v;
  }
  static std::string id_of(const json::value& v, const char* field = "id") {
    const auto* o = v.if_object();
    const auto* f = o ? o->if_contains(field) : nullptr;
    if (f == nullptr) return "missing";
    return f->is_string() ? std::string(f->as_string()) : json::serialize(*f);
  }

  const OpenApiDocument* doc_ = nullptr;  ///< set by the test: accepted bodies are checked
  std::uint16_t port_ = 0;
  std::uint16_t control_port_ = 0;
  std::uint16_t vault_port_ = 0;  ///< diskret-vault's HTTP port (the card form posts there)  ///< diskret-smsc's control endpoint (POST /mo)
  std::string log_;
  RawResponse last_;
  std::unique_ptr<Background> vault_;
  std::unique_ptr<Background> smsc_;
};

TEST_F(OpenApiContract, DocumentMatchesServedRoutesAndEveryResponse) {
  const std::string text = read_text(std::string(DISKRET_SOURCE_DIR) + "/docs/openapi.json");
  OpenApiDocument doc(json::parse(text));
  doc_ = &doc;
  EXPECT_EQ(std::string(doc.json().at("openapi").as_string()).substr(0, 4), "3.1.");

  auto [tenant, owner] = create_tenant("Oas GmbH");
  const std::string viewer = create_key(tenant, "viewer");
  auto credit = diskret({"credits", "grant", "--tenant", tenant, "--amount-cents", "100000",
                         "--reason", "openapi test"});
  ASSERT_EQ(credit.exit_code, 0) << credit.err;
  auto number = diskret({"number", "assign", "--tenant", tenant, "--number", "+4915190000000"});
  ASSERT_EQ(number.exit_code, 0) << number.err;
  port_ = start_server();
  ASSERT_NE(port_, 0);

  // (a) The document and the server have the same operations.
  std::set<std::pair<std::string, std::string>> served;
  for (auto& r : routes()) served.insert(r);
  const auto documented = doc.operations();
  for (const auto& r : served) {
    EXPECT_TRUE(documented.contains(r)) << "not in docs/openapi.json: " << r.first << " " << r.second;
  }
  for (const auto& d : documented) {
    EXPECT_TRUE(served.contains(d)) << "documented but not served: " << d.first << " " << d.second;
  }

  // (b) The served document.
  auto served_doc = call("GET", "/v1/openapi.json", "");
  EXPECT_EQ(served_doc.status, 200);
  EXPECT_TRUE(served_doc.body == text)  // no diff of 180 kB in the output
      << "the binary embeds another docs/openapi.json (" << served_doc.body.size() << " vs "
      << text.size() << " bytes): rebuild";
  EXPECT_EQ(served_doc.header("Content-Type"), "application/json");
  EXPECT_NE(served_doc.header("Cache-Control").find("max-age="), std::string::npos);
  const std::string etag = served_doc.header("ETag");
  ASSERT_FALSE(etag.empty());
  expect(304, "GET", "/v1/openapi.json", "", "", {"If-None-Match: " + etag});
  EXPECT_TRUE(last_.body.empty());

  // (c) Every operation, valid and invalid. Without a key first: 401 wherever one is needed.
  for (const auto& [method, path] : documented) {
    std::string lower = method;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (doc.json().at("paths").at(path).at(lower).at("security").as_array().empty()) continue;
    std::string filled = path;
    for (auto open = filled.find('{'); open != std::string::npos; open = filled.find('{')) {
      filled.replace(open, filled.find('}', open) - open + 1, "999999");
    }
    expect(401, method, filled, "", method == "GET" || method == "DELETE" ? "" : "{}");
  }
  expect(200, "GET", "/healthz", "");
  for (int i = 0; i < 300 && call("GET", "/readyz", "").status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the carrier binds
  }
  expect(200, "GET", "/readyz", "");
  expect(200, "GET", "/metrics", "");
  expect(200, "GET", "/.well-known/security.txt", "");
  expect(200, "GET", "/v1/public/security", "");
  expect(404, "GET", "/v1/nothing-here", owner);
  expect(405, "PUT", "/v1/messages", owner, "{}");
  expect(401, "GET", "/v1/tenant", "");
  expect(401, "GET", "/v1/tenant", "dk_not_a_key");

  // The account.
  expect(200, "GET", "/v1/tenant", viewer);
  expect(200, "PATCH", "/v1/tenant", owner, R"({"short_links":true,"display_name":"Oas"})");
  expect(422, "PATCH", "/v1/tenant", owner, R"({"max_segments":0,"bogus":1})");
  expect(400, "PATCH", "/v1/tenant", owner, "[");
  expect(403, "PATCH", "/v1/tenant", viewer, R"({"display_name":"Eve"})");
  auto key = expect(201, "POST", "/v1/api-keys", owner, R"({"name":"ci","role":"sender"})");
  expect(422, "POST", "/v1/api-keys", owner, R"({"name":"ci","role":"god"})");
  expect(200, "GET", "/v1/api-keys", owner);
  expect(204, "DELETE", "/v1/api-keys/" + id_of(key), owner);
  expect(404, "DELETE", "/v1/api-keys/" + id_of(key), owner);

  // SMPP credentials and SMTP senders.
  auto credential = expect(201, "POST", "/v1/smpp-credentials", owner, "{}");
  expect(422, "POST", "/v1/smpp-credentials", owner, R"({"window":"wide"})");
  expect(200, "GET", "/v1/smpp-credentials", owner);
  expect(204, "DELETE", "/v1/smpp-credentials/" + id_of(credential, "system_id"), owner);
  expect(404, "DELETE", "/v1/smpp-credentials/" + id_of(credential, "system_id"), owner);
  auto sender = expect(201, "POST", "/v1/smtp-senders", owner,
                       R"({"address":"erp@oas.example","networks":["192.0.2.0/24"]})");
  expect(409, "POST", "/v1/smtp-senders", owner,
         R"({"address":"erp@oas.example","networks":["192.0.2.0/24"]})");
  expect(422, "POST", "/v1/smtp-senders", owner,
         R"({"address":"x@oas.example","networks":["192.0.2.1/24"]})");
  expect(200, "GET", "/v1/smtp-senders", owner);
  expect(204, "DELETE", "/v1/smtp-senders/" + id_of(sender), owner);
  expect(404, "DELETE", "/v1/smtp-senders/" + id_of(sender), owner);

  // Lists and contacts.
  auto list = expect(201, "POST", "/v1/lists", owner, R"({"name":"Stammkunden"})");
  const std::string list_id = id_of(list);
  expect(422, "POST", "/v1/lists", owner, R"({"name":""})");
  expect(400, "POST", "/v1/lists", owner, "nope");
  expect(200, "GET", "/v1/lists", viewer);
  expect(200, "GET", "/v1/lists/" + list_id, viewer);
  expect(404, "GET", "/v1/lists/999999", viewer);
  auto spare = expect(201, "POST", "/v1/lists", owner, R"({"name":"Einmalig"})");
  expect(204, "DELETE", "/v1/lists/" + id_of(spare), owner);
  expect(404, "DELETE", "/v1/lists/" + id_of(spare), owner);
  auto contact = expect(
      201, "POST", "/v1/contacts", owner,
      R"({"phone":"0151 11111111","first_name":"Anna","last_name":"Aberle","fields":{"kdnr":"4711"},)"
      R"("lists":[)" + list_id + R"(],"consent":{"source":"web_form","wording":"Ja, SMS-Angebote",)"
      R"("obtained_at":"2024-01-01T10:00:00Z"}})");
  const std::string contact_id = id_of(contact);
  expect(422, "POST", "/v1/contacts", owner, R"({"phone":"no number","colour":"red"})");
  expect(200, "GET", "/v1/contacts", viewer);
  expect(200, "GET", "/v1/contacts?phone=%2B4915111111111", viewer);
  expect(200, "GET", "/v1/contacts?list=" + list_id + "&limit=1", viewer);
  expect(200, "GET", "/v1/contacts/" + contact_id, viewer);
  expect(404, "GET", "/v1/contacts/999999", viewer);
  expect(200, "PATCH", "/v1/contacts/" + contact_id, owner, R"({"first_name":"Annabelle"})");
  expect(422, "PATCH", "/v1/contacts/" + contact_id, owner, R"({"phone":"+4915100000000"})");
  expect(200, "GET", "/v1/contacts/" + contact_id + "/consents", viewer);
  expect(200, "POST", "/v1/contacts/import?list=" + list_id, owner,
         "phone;first_name\n015122222223;Bert\nkeine Nummer;X\n", {}, "text/csv");
  expect(415, "POST", "/v1/contacts/import", owner, R"({"phone":"1"})");
  auto doi = expect(202, "POST", "/v1/contacts/double-opt-in", owner,
                    R"({"phone":"+4915133333334","from":"OasGmbH"})");
  expect(422, "POST", "/v1/contacts/double-opt-in", owner, R"({"phone":"x","from":"OasGmbH"})");
  auto imported = expect(201, "POST", "/v1/contacts", owner, R"({"phone":"+4915155555555"})");
  expect(204, "DELETE", "/v1/contacts/" + id_of(imported), owner);
  expect(404, "DELETE", "/v1/contacts/" + id_of(imported), owner);

  // The opt-out list.
  expect(201, "POST", "/v1/suppressions", owner, R"({"phone":"+4915122222222","reason":"asked"})");
  expect(200, "POST", "/v1/suppressions", owner, R"({"phone":"+4915122222222","reason":"again"})");
  expect(422, "POST", "/v1/suppressions", owner, R"({"phone":"x"})");
  expect(200, "GET", "/v1/suppressions", viewer);
  expect(200, "GET", "/v1/suppressions/+4915122222222", viewer);
  expect(404, "GET", "/v1/suppressions/+4915199999999", viewer);
  expect(204, "DELETE", "/v1/suppressions/+4915122222222", owner);
  expect(404, "DELETE", "/v1/suppressions/+4915122222222", owner);

  // Portal users.
  const std::string password = "ein-langes-Passwort-42";
  auto user = expect(201, "POST", "/v1/users", owner,
                     R"({"email":"anna@oas.example","role":"admin","password":")" + password + "\"}");
  expect(409, "POST", "/v1/users", owner, R"({"email":"anna@oas.example","role":"viewer"})");
  expect(422, "POST", "/v1/users", owner, R"({"email":"nope","role":"viewer"})");
  auto other = expect(201, "POST", "/v1/users", owner, R"({"email":"bert@oas.example","role":"viewer"})");
  expect(200, "GET", "/v1/users", owner);
  expect(200, "GET", "/v1/users/" + id_of(user), owner);
  expect(200, "PATCH", "/v1/users/" + id_of(other), owner, R"({"role":"sender"})");
  expect(422, "PATCH", "/v1/users/" + id_of(other), owner, R"({"role":"god"})");
  expect(204, "DELETE", "/v1/users/" + id_of(other), owner);
  expect(404, "GET", "/v1/users/" + id_of(other), owner);
  // An owner helps a user back in: a new password shown once (the user's sessions end)
  // and the second factor removed.
  auto carl = expect(201, "POST", "/v1/users", owner, R"({"email":"carl@oas.example","role":"viewer"})");
  const std::string carl_login = R"({"account":")" + tenant + R"(","email":"carl@oas.example","password":")";
  auto carl_session = call("POST", "/v1/session", "", carl_login + id_of(carl, "password") + "\"}");
  ASSERT_EQ(carl_session.status, 201) << carl_session.body;
  const std::string carl_cookie = "Cookie: " + carl_session.header("Set-Cookie").substr(
                                                   0, carl_session.header("Set-Cookie").find(';'));
  expect(403, "POST", "/v1/users/" + id_of(carl) + "/password-reset", viewer, "{}");
  expect(404, "POST", "/v1/users/" + id_of(other) + "/password-reset", owner, "{}");
  auto reset = expect(200, "POST", "/v1/users/" + id_of(carl) + "/password-reset", owner, "{}");
  expect(401, "GET", "/v1/session", "", "", {carl_cookie});
  expect(401, "POST", "/v1/session", "", carl_login + id_of(carl, "password") + "\"}");
  expect(201, "POST", "/v1/session", "", carl_login + id_of(reset, "password") + "\"}");
  expect(204, "DELETE", "/v1/users/" + id_of(carl) + "/totp", owner);
  expect(404, "DELETE", "/v1/users/999999999/totp", owner);

  // Messages.
  auto sent = expect(202, "POST", "/v1/messages", owner,
                     R"({"to":["+4915166666666","keine Nummer"],"text":"Hallo","from":"OasGmbH",)"
                     R"("client_ref":"r1"})",
                     {"Idempotency-Key: oas-1"});
  expect(202, "POST", "/v1/messages", owner,
         R"({"to":["+4915166666666","keine Nummer"],"text":"Hallo","from":"OasGmbH","client_ref":"r1"})",
         {"Idempotency-Key: oas-1"});
  EXPECT_EQ(last_.header("Idempotent-Replayed"), "true");
  expect(422, "POST", "/v1/messages", owner, R"({"to":"+4915166666666","text":"x"})",
         {"Idempotency-Key: oas-1"});
  expect(422, "POST", "/v1/messages", owner, R"({"to":[],"text":"","from":"","colour":1})");
  expect(400, "POST", "/v1/messages", owner, "[1");
  expect(403, "POST", "/v1/messages", viewer, R"({"to":"+4915166666666","text":"x","from":"OasGmbH"})");
  expect(202, "POST", "/v1/messages", owner,
         R"({"to":"+4915111111111","text":"Angebot https://oas.example/sale Abmelden: STOP","from":"OasGmbH",)"
         R"("category":"marketing"})");
  expect(200, "POST", "/v1/messages/preview", owner,
         R"({"to":["+4915166666666","x"],"text":"„Hallo“ https://oas.example/a Abmelden: STOP","from":"OasGmbH",)"
         R"("category":"marketing"})");
  expect(422, "POST", "/v1/messages/preview", owner, R"({"to":"+4915166666666"})");
  auto refused = expect(200, "POST", "/v1/messages/preview", owner,
                        R"({"to":"+4915166666666","text":"Karte 4242 4242 4242 4242","from":"OasGmbH"})");
  EXPECT_TRUE(refused.is_object() && refused.at("text").is_null()) << refused;  // DLP: refused
  const std::string message_id =
      sent.is_object() ? id_of(sent.at("messages").at(0)) : std::string("missing");
  expect(200, "GET", "/v1/messages", viewer);
  expect(200, "GET", "/v1/messages?status=accepted&limit=1", owner);
  expect(400, "GET", "/v1/messages?status=bogus&limit=0", owner);
  expect(200, "GET", "/v1/messages/" + message_id, owner);
  expect(404, "GET", "/v1/messages/zzz", owner);

  // Inbound, webhooks, keywords.
  expect(200, "GET", "/v1/numbers", viewer);
  {  // An inbound message through the carrier: the list shows it.
    const std::string mo = R"({"from":"+4915111111111","to":"+4915190000000","text":"Hallo zurück"})";
    RawClient carrier(control_port_);
    auto injected = carrier.request("POST /mo HTTP/1.1\r\nHost: smsc\r\nContent-Type: application/json\r\n"
                                    "Content-Length: " + std::to_string(mo.size()) + "\r\n\r\n" + mo);
    ASSERT_TRUE(injected && injected->status == 200) << (injected ? injected->body : "no answer");
    for (int i = 0; i < 300; ++i) {
      auto inbound = call("GET", "/v1/inbound", viewer);
      if (inbound.body.find("Hallo zur") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  expect(200, "GET", "/v1/inbound?limit=1", viewer);
  EXPECT_NE(last_.body.find("Hallo zur"), std::string::npos) << "the MO did not arrive";
  expect(400, "GET", "/v1/inbound?limit=0", viewer);
  expect(404, "GET", "/v1/webhooks", viewer);
  expect(422, "PUT", "/v1/webhooks", owner, R"({"url":"https://hooks.oas.example/x","colour":1})");
  expect(400, "PUT", "/v1/webhooks", owner, "]");
  expect(200, "PUT", "/v1/webhooks", owner, R"({"url":"https://127.0.0.1:9/hook"})");
  expect(200, "GET", "/v1/webhooks", viewer);
  expect(204, "DELETE", "/v1/webhooks", owner);
  expect(404, "DELETE", "/v1/webhooks", owner);
  expect(200, "GET", "/v1/webhooks/deliveries", viewer);
  expect(400, "GET", "/v1/webhooks/deliveries?limit=x", viewer);
  expect(200, "GET", "/v1/keywords", viewer);
  expect(200, "PUT", "/v1/keywords", owner, R"({"keywords":{"stop":["STOP","ENDE"]}})");
  expect(422, "PUT", "/v1/keywords", owner, R"({"colour":1})");

  // Privacy.
  expect(200, "POST", "/v1/privacy/exports", owner, R"({"phone":"+4915111111111"})");
  expect(422, "POST", "/v1/privacy/exports", owner, R"({"phone":"keine"})");
  expect(200, "POST", "/v1/privacy/erasures", owner, R"({"phone":"+4915177777777"})");
  expect(422, "POST", "/v1/privacy/erasures", owner, R"({"number":"+4915177777777"})");
  expect(200, "POST", "/v1/privacy/exports", owner, R"({"phone":"+4915177777777"})");  // erased
  expect(200, "GET", "/v1/privacy/report", owner);
  expect(200, "GET", "/v1/privacy/retention", viewer);
  expect(200, "PUT", "/v1/privacy/retention", owner, R"({"message_text_days":30})");
  expect(422, "PUT", "/v1/privacy/retention", owner, R"({"colour":1})");
  expect(200, "GET", "/v1/audit", owner);
  expect(400, "GET", "/v1/audit?limit=0", owner);
  expect(200, "GET", "/v1/audit/verify", owner);
  expect(200, "GET", "/v1/alerts", owner);
  auto grant = expect(201, "POST", "/v1/access-grants", owner,
                      R"({"operator":"support","reason":"ticket 4711","hours":2})");
  expect(422, "POST", "/v1/access-grants", owner, R"({"operator":""})");
  expect(200, "GET", "/v1/access-grants", owner);
  expect(204, "DELETE", "/v1/access-grants/" + id_of(grant), owner);
  expect(404, "DELETE", "/v1/access-grants/" + id_of(grant), owner);

  // Campaigns.
  auto campaign = expect(201, "POST", "/v1/campaigns", owner,
                         R"({"name":"Herbst","lists":[)" + list_id +
                             R"(],"from":"OasGmbH","template":"Hallo {{first_name|Kundin/Kunde}}",)"
                             R"("category":"transactional"})");
  const std::string campaign_id = id_of(campaign);
  expect(422, "POST", "/v1/campaigns", owner, R"({"name":"","lists":[999999],"template":"{{x"})");
  expect(200, "GET", "/v1/campaigns", viewer);
  expect(200, "GET", "/v1/campaigns/" + campaign_id, viewer);
  expect(404, "GET", "/v1/campaigns/999999", viewer);
  expect(200, "GET", "/v1/campaigns/" + campaign_id + "/preview?contact=" + contact_id, viewer);
  expect(400, "GET", "/v1/campaigns/" + campaign_id + "/preview", viewer);
  expect(200, "GET", "/v1/campaigns/" + campaign_id + "/report", viewer);
  expect(409, "POST", "/v1/campaigns/" + campaign_id + "/pause", owner);
  expect(200, "POST", "/v1/campaigns/" + campaign_id + "/start", owner);
  auto paused = call("POST", "/v1/campaigns/" + campaign_id + "/pause", owner);  // may be done
  if (paused.status == 200) expect(200, "POST", "/v1/campaigns/" + campaign_id + "/resume", owner);
  call("POST", "/v1/campaigns/" + campaign_id + "/cancel", owner);  // 200, or 409 once completed
  expect(409, "POST", "/v1/campaigns/" + campaign_id + "/resume", owner);
  expect(404, "POST", "/v1/campaigns/999999/cancel", owner);
  auto draft = expect(201, "POST", "/v1/campaigns", owner,
                      R"({"name":"Winter","lists":[)" + list_id +
                          R"(],"from":"OasGmbH","template":"Hallo","send_at":"2099-01-01T09:00:00Z"})");
  expect(200, "POST", "/v1/campaigns/" + id_of(draft) + "/cancel", owner);
  expect(200, "GET", "/v1/campaigns/" + campaign_id, viewer);

  // Short links (the marketing send above made one).
  auto links = expect(200, "GET", "/v1/short-links", viewer);
  std::string code = "AAAAAAAA";
  if (links.is_object() && !links.at("data").as_array().empty()) {
    code = std::string(links.at("data").at(0).at("code").as_string());
  }
  EXPECT_NE(code, "AAAAAAAA") << "no short link was made: " << links;
  expect(302, "GET", "/l/" + code, "");
  expect(404, "GET", "/l/AAAAAAAA", "");
  expect(200, "GET", "/v1/short-links/" + code + "/clicks", viewer);
  expect(404, "GET", "/v1/short-links/AAAAAAAA/clicks", viewer);
  expect(400, "GET", "/v1/short-links?limit=1000", viewer);

  expect(200, "GET", "/v1/short-links/" + code + "/clicks?per_recipient=true", owner);

  // The dashboard's statistics.
  expect(200, "GET", "/v1/stats/messages", viewer);
  expect(200, "GET", "/v1/stats/messages?bucket=hour&since=2026-01-01T00:00:00Z&until=2026-01-02T00:00:00Z", viewer);
  expect(400, "GET", "/v1/stats/messages?bucket=week", viewer);

  // The abuse guard: the second and third message to one number range are held.
  for (const char* to : {"+4917012345671", "+4917012345672", "+4917012345673"}) {
    expect(202, "POST", "/v1/messages", owner,
           std::string(R"({"to":")") + to + R"(","text":"Ihr Code: 1234","from":"OasGmbH"})");
  }
  auto held = expect(200, "GET", "/v1/held-messages?limit=1", owner);
  ASSERT_TRUE(held.is_object() && !held.at("data").as_array().empty()) << "nothing held: " << held;
  expect(202, "POST", "/v1/held-messages/" + id_of(held.at("data").at(0)) + "/release", owner);
  held = expect(200, "GET", "/v1/held-messages", owner);
  ASSERT_TRUE(held.is_object() && !held.at("data").as_array().empty()) << "nothing held: " << held;
  expect(200, "POST", "/v1/held-messages/" + id_of(held.at("data").at(0)) + "/reject", owner);
  expect(422, "GET", "/v1/held-messages?limit=0", owner);
  expect(404, "POST", "/v1/held-messages/hm_999999/release", owner);
  expect(404, "POST", "/v1/held-messages/hm_999999/reject", owner);
  expect(200, "GET", "/v1/abuse-settings", owner);
  expect(200, "PUT", "/v1/abuse-settings", owner, R"({"link_check":true})");
  expect(422, "PUT", "/v1/abuse-settings", owner, R"({"colour":1})");

  // Credits.
  expect(200, "GET", "/v1/balance", viewer);
  expect(200, "GET", "/v1/ledger", viewer);
  expect(200, "GET", "/v1/ledger?format=csv", viewer);
  expect(400, "GET", "/v1/ledger?limit=0", viewer);
  expect(200, "GET", "/v1/cards", owner);
  expect(200, "GET", "/v1/cards/form", owner);
  expect(403, "GET", "/v1/cards", viewer);
  expect(404, "DELETE", "/v1/cards/tok_nosuchcard0000000000", owner);
  // Cards as the portal's iframe stores them: straight to the vault with the signed link.
  auto form = expect(200, "GET", "/v1/cards/form", owner);
  const std::string url = id_of(form, "url");
  const std::string query = url.substr(url.find('?') + 1);
  auto store_card = [&](const std::string& number) {
    const auto today = std::chrono::year_month_day(
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
    const std::string card = R"({"number":")" + number + R"(","exp_month":12,"exp_year":)" +
                             std::to_string(static_cast<int>(today.year()) + 2) +
                             R"(,"cvc":"123","holder":"Anna Aberle"})";
    RawClient vault(vault_port_);
    auto stored = vault.request("POST /v1/cards?" + query + " HTTP/1.1\r\nHost: vault\r\n"
                                "Content-Type: application/json\r\nContent-Length: " +
                                std::to_string(card.size()) + "\r\n\r\n" + card);
    EXPECT_TRUE(stored && stored->status == 201) << (stored ? stored->body : "no answer");
    return stored ? id_of(json::parse(stored->body), "token") : std::string("missing");
  };
  const std::string good = store_card("4242424242424242");
  const std::string declined = store_card("4000000000000002");
  expect(200, "GET", "/v1/cards", owner);
  const std::string topup = R"({"amount_cents":1000,"card_token":")" + good + "\"}";
  expect(201, "POST", "/v1/topups", owner, topup, {"Idempotency-Key: oas-topup"});
  expect(200, "POST", "/v1/topups", owner, topup, {"Idempotency-Key: oas-topup"});
  expect(422, "POST", "/v1/topups", owner, R"({"amount_cents":2000,"card_token":")" + good + "\"}",
         {"Idempotency-Key: oas-topup"});
  expect(402, "POST", "/v1/topups", owner, R"({"amount_cents":1000,"card_token":")" + declined + "\"}");
  expect(204, "DELETE", "/v1/cards/" + good, owner);
  expect(404, "POST", "/v1/topups", owner,
         R"({"amount_cents":1000,"card_token":"tok_nosuchcard0000000000"})");
  expect(422, "POST", "/v1/topups", owner, R"({"amount_cents":0})");

  // Portal sessions: an API key is no session; a user logs in with a cookie.
  auto me = expect(200, "GET", "/v1/session", viewer);
  EXPECT_EQ(id_of(me, "kind"), "api_key");
  expect(400, "DELETE", "/v1/session", owner);
  expect(401, "POST", "/v1/session", "",
         R"({"account":")" + tenant + R"(","email":"anna@oas.example","password":"falsch-falsch-1"})");
  expect(422, "POST", "/v1/session", "", R"({"email":1})");
  auto login = call("POST", "/v1/session", "",
                    R"({"account":")" + tenant + R"(","email":"anna@oas.example","password":")" +
                        password + "\"}");
  ASSERT_EQ(login.status, 201) << login.body;
  const std::string set_cookie = login.header("Set-Cookie");
  const std::string cookie = "Cookie: " + set_cookie.substr(0, set_cookie.find(';'));
  const std::string csrf = "X-CSRF-Token: " + id_of(json::parse(login.body), "csrf_token");
  auto session = expect(200, "GET", "/v1/session", "", "", {cookie});
  EXPECT_EQ(id_of(session, "kind"), "session");
  expect(403, "POST", "/v1/session/totp", "", "{}", {cookie});  // no CSRF header
  expect(204, "DELETE", "/v1/session/totp", "", "", {cookie, csrf});  // off already
  expect(422, "PUT", "/v1/session/password", "",
         R"({"current_password":"falsch-falsch-1","new_password":"noch-ein-Passwort-43"})",
         {cookie, csrf});
  auto changed = call("PUT", "/v1/session/password", "",
                      R"({"current_password":")" + password +
                          R"(","new_password":"noch-ein-Passwort-43"})",
                      "application/json", {cookie, csrf});
  ASSERT_EQ(changed.status, 200) << changed.body;
  const std::string renewed = changed.header("Set-Cookie");
  const std::string cookie1 =
      renewed.empty() ? cookie : "Cookie: " + renewed.substr(0, renewed.find(';'));
  const std::string csrf1 = "X-CSRF-Token: " + id_of(json::parse(changed.body), "csrf_token");
  expect(200, "DELETE", "/v1/sessions", "", "", {cookie1, csrf1});
  expect(401, "GET", "/v1/session", "", "", {cookie1});
  auto again = call("POST", "/v1/session", "",
                    R"({"account":")" + tenant +
                        R"(","email":"anna@oas.example","password":"noch-ein-Passwort-43"})");
  ASSERT_EQ(again.status, 201) << again.body;
  const std::string cookie2 =
      "Cookie: " + again.header("Set-Cookie").substr(0, again.header("Set-Cookie").find(';'));
  const std::string csrf2 = "X-CSRF-Token: " + id_of(json::parse(again.body), "csrf_token");
  expect(409, "POST", "/v1/session/totp/recovery-codes", "",
         R"({"password":"noch-ein-Passwort-43"})", {cookie2, csrf2});  // no factor yet
  auto enrolment = expect(201, "POST", "/v1/session/totp", "", "{}", {cookie2, csrf2});
  expect(422, "POST", "/v1/session/totp/confirm", "", R"({"code":"abc"})", {cookie2, csrf2});
  auto key_bytes = portal::base32_decode(id_of(enrolment, "secret"));
  ASSERT_TRUE(key_bytes);
  const std::string totp_code =
      fmt::format("{:06}", portal::hotp(*key_bytes, portal::totp_step(std::chrono::system_clock::now())));
  auto confirmed = expect(200, "POST", "/v1/session/totp/confirm", "",
                          R"({"code":")" + totp_code + "\"}", {cookie2, csrf2});
  ASSERT_EQ(confirmed.at("recovery_codes").as_array().size(), 10u) << confirmed;
  expect(422, "DELETE", "/v1/session/totp", "", R"({"code":"abc"})", {cookie2, csrf2});
  // Recovery codes: regenerating (with the password) voids the first ten; each new one
  // logs in once in place of a TOTP code.
  const std::string first_code(confirmed.at("recovery_codes").at(0).as_string());
  expect(422, "POST", "/v1/session/totp/recovery-codes", "", R"({"password":"falsch-falsch-1"})",
         {cookie2, csrf2});
  auto regenerated = expect(201, "POST", "/v1/session/totp/recovery-codes", "",
                            R"({"password":"noch-ein-Passwort-43"})", {cookie2, csrf2});
  ASSERT_EQ(regenerated.at("recovery_codes").as_array().size(), 10u) << regenerated;
  const std::string new_code(regenerated.at("recovery_codes").at(0).as_string());
  expect(204, "DELETE", "/v1/session", "", "", {cookie2, csrf2});
  const std::string anna = R"({"account":")" + tenant +
                           R"(","email":"anna@oas.example","password":"noch-ein-Passwort-43","totp":")";
  expect(401, "POST", "/v1/session", "", anna + first_code + "\"}");
  auto recovered = call("POST", "/v1/session", "", anna + new_code + "\"}");
  ASSERT_EQ(recovered.status, 201) << recovered.body;
  expect(401, "POST", "/v1/session", "", anna + new_code + "\"}");  // used up
  const std::string cookie3 = "Cookie: " + recovered.header("Set-Cookie").substr(
                                               0, recovered.header("Set-Cookie").find(';'));
  auto me3 = expect(200, "GET", "/v1/session", "", "", {cookie3});
  EXPECT_EQ(me3.at("recovery_codes_left").as_int64(), 9) << me3;
  expect(204, "DELETE", "/v1/session", "", "",
         {cookie3, "X-CSRF-Token: " + id_of(json::parse(recovered.body), "csrf_token")});

  // Every response the server gave, as it logged them, against the document.
  server_.reset();  // flushes nothing more: each line is written whole
  std::ifstream in(log_);
  std::string line;
  std::size_t checked = 0;
  std::map<std::pair<std::string, std::string>, std::set<int>> seen;
  while (std::getline(in, line)) {
    auto entry = json::parse(line).as_object();
    const std::string method(entry.at("method").as_string());
    const std::string route(entry.at("route").as_string());
    const int status = static_cast<int>(entry.at("status").as_int64());
    const std::string body(entry.at("body").as_string());
    for (const auto& e : doc.check_response(method, route, status,
                                            std::string(entry.at("content_type").as_string()), body)) {
      ADD_FAILURE() << method << " " << route << " -> " << status << ": " << e << "\n  body: "
                    << body.substr(0, 600);
    }
    seen[{method, route}].insert(status);
    ++checked;
  }
  EXPECT_GT(checked, 150u) << "the response log is missing or short";
  // Every documented operation answered at least once with success, and every one that
  // needs a key at least once with an error.
  for (const auto& [method, path] : documented) {
    const auto& statuses = seen[{method, path}];
    const bool success = std::any_of(statuses.begin(), statuses.end(), [](int s) { return s < 400; });
    const bool failure = std::any_of(statuses.begin(), statuses.end(), [](int s) { return s >= 400; });
    EXPECT_TRUE(success) << "never called successfully: " << method << " " << path;
    const auto& op = doc.json().at("paths").at(path).at([&] {
      std::string m = method;
      for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return m;
    }());
    if (!op.at("security").as_array().empty()) {
      EXPECT_TRUE(failure) << "never called with an invalid request: " << method << " " << path;
    }
  }
}

// Other tests' traffic: run any integration tests with DISKRET_RESPONSE_LOG=<file> (their
// servers inherit it), then this test with DISKRET_OPENAPI_LOGS=<file>[:<file>...]; every
// response in those logs is checked against the document. Skipped when the variable is
// not set, so the normal suite runs only the scenario above.
TEST(OpenApiLogs, ResponsesOfOtherTestsMatchTheDocument) {
  const char* files = std::getenv("DISKRET_OPENAPI_LOGS");
  if (files == nullptr || *files == '\0') GTEST_SKIP() << "DISKRET_OPENAPI_LOGS is not set";
  OpenApiDocument doc(json::parse(read_text(std::string(DISKRET_SOURCE_DIR) + "/docs/openapi.json")));
  std::stringstream list(files);
  std::size_t checked = 0;
  for (std::string file; std::getline(list, file, ':');) {
    std::ifstream in(file);
    if (!in && !std::filesystem::exists(file)) continue;  // no test of this run logged anything
    ASSERT_TRUE(in) << "cannot read " << file;
    std::set<std::string> reported;  // each distinct problem once
    for (std::string line; std::getline(in, line);) {
      auto entry = json::parse(line).as_object();
      const std::string method(entry.at("method").as_string());
      const std::string route(entry.at("route").as_string());
      const int status = static_cast<int>(entry.at("status").as_int64());
      const std::string body(entry.at("body").as_string());
      for (const auto& e : doc.check_response(method, route, status,
                                              std::string(entry.at("content_type").as_string()), body)) {
        const std::string what = method + " " + route + " -> " + std::to_string(status) + ": " + e;
        if (reported.insert(what).second) ADD_FAILURE() << what << "\n  body: " << body.substr(0, 600);
      }
      ++checked;
    }
  }
  std::cout << checked << " logged responses checked\n";
}

}  // namespace
}  // namespace diskret::test
