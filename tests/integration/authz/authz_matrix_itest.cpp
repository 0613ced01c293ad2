// The authorization matrix: every route `diskret serve` registers (read from its
// --routes-file, so new endpoints are covered without touching this test) is called
//  (a) without a key                      -> 401 (except the public operational routes),
//  (b) with tenant B's owner key against tenant A's objects -> 404, nothing of A in any
//      answer, nothing of A changed,
//  (c) with a key of every role            -> 403 exactly for the roles that may not.
// A route missing from kRules or without a fixture object fails the test: classify it.
#include <algorithm>
#include <map>
#include <set>

#include "integration/authz/diskret_fixture.hpp"

namespace diskret::test {
namespace {

namespace json = boost::json;

struct Rule {
  const char* method;
  const char* pattern;
  const char* roles;  ///< who may call: o(wner) a(dmin) s(ender) v(iewer), or "public"
};

// The contract: viewer reads only; sender also sends and manages contacts, but no keys,
// users, removals from the opt-out list; owner and admin everything.
constexpr Rule kRules[] = {
    {"GET", "/healthz", "public"},
    {"GET", "/readyz", "public"},
    {"GET", "/metrics", "public"},
    {"GET", "/v1/openapi.json", "public"},  // the API's OpenAPI document (issue 13)
    {"POST", "/v1/messages", "oas"},
    {"POST", "/v1/messages/preview", "oas"},
    {"GET", "/l/{code}", "public"},  // short-link redirect (issue 12)
    {"GET", "/.well-known/security.txt", "public"},  // RFC 9116 (issue 11)
    {"GET", "/v1/held-messages", "oa"},  // pumping guard / link check review (issue 11)
    {"POST", "/v1/held-messages/{id}/release", "oa"},
    {"POST", "/v1/held-messages/{id}/reject", "oa"},
    {"GET", "/v1/abuse-settings", "oasv"},
    {"PUT", "/v1/abuse-settings", "oa"},
    {"GET", "/v1/messages", "oasv"},
    {"GET", "/v1/messages/{id}", "oasv"},
    {"POST", "/v1/smpp-credentials", "oa"},
    {"GET", "/v1/smpp-credentials", "oa"},
    {"DELETE", "/v1/smpp-credentials/{system_id}", "oa"},
    {"GET", "/v1/balance", "oasv"},
    {"GET", "/v1/ledger", "oasv"},
    {"POST", "/v1/topups", "oa"},
    {"GET", "/v1/cards", "oa"},
    {"GET", "/v1/cards/form", "oa"},
    {"DELETE", "/v1/cards/{token}", "oa"},
    {"GET", "/v1/tenant", "oasv"},
    {"PATCH", "/v1/tenant", "oa"},
    {"POST", "/v1/api-keys", "oa"},
    {"GET", "/v1/api-keys", "oa"},
    {"DELETE", "/v1/api-keys/{id}", "oa"},
    {"POST", "/v1/smtp-senders", "oa"},
    {"GET", "/v1/smtp-senders", "oa"},
    {"DELETE", "/v1/smtp-senders/{id}", "oa"},
    {"POST", "/v1/lists", "oas"},
    {"GET", "/v1/lists", "oasv"},
    {"GET", "/v1/lists/{id}", "oasv"},
    {"DELETE", "/v1/lists/{id}", "oas"},
    {"POST", "/v1/contacts", "oas"},
    {"GET", "/v1/contacts", "oasv"},
    {"POST", "/v1/contacts/import", "oas"},
    {"POST", "/v1/contacts/double-opt-in", "oas"},
    {"GET", "/v1/contacts/{id}", "oasv"},
    {"PATCH", "/v1/contacts/{id}", "oas"},
    {"DELETE", "/v1/contacts/{id}", "oas"},
    {"GET", "/v1/contacts/{id}/consents", "oasv"},
    {"GET", "/v1/suppressions", "oasv"},
    {"POST", "/v1/suppressions", "oas"},
    {"GET", "/v1/suppressions/{phone}", "oasv"},
    {"DELETE", "/v1/suppressions/{phone}", "oa"},
    {"GET", "/v1/users", "oa"},
    {"POST", "/v1/users", "oa"},
    {"GET", "/v1/users/{id}", "oa"},
    {"PATCH", "/v1/users/{id}", "oa"},
    {"DELETE", "/v1/users/{id}", "oa"},
    {"POST", "/v1/users/{id}/password-reset", "oa"},  // help a user back in (issue 9)
    {"DELETE", "/v1/users/{id}/totp", "oa"},
    {"GET", "/v1/numbers", "oasv"},
    {"GET", "/v1/inbound", "oasv"},
    {"GET", "/v1/webhooks", "oasv"},
    {"GET", "/v1/webhooks/deliveries", "oasv"},
    {"PUT", "/v1/webhooks", "oa"},
    {"DELETE", "/v1/webhooks", "oa"},
    {"GET", "/v1/keywords", "oasv"},
    {"PUT", "/v1/keywords", "oa"},
    {"POST", "/v1/privacy/exports", "oas"},
    {"POST", "/v1/privacy/erasures", "oa"},
    {"GET", "/v1/privacy/report", "oa"},
    {"GET", "/v1/privacy/retention", "oasv"},
    {"PUT", "/v1/privacy/retention", "oa"},
    {"GET", "/v1/audit", "oa"},
    {"GET", "/v1/audit/verify", "oa"},  // the chain verifies? (issue 9, privacy page)
    {"GET", "/v1/stats/messages", "oasv"},  // dashboard counts per day/hour (issue 9)
    {"GET", "/v1/alerts", "oa"},
    {"POST", "/v1/access-grants", "oa"},
    {"GET", "/v1/access-grants", "oa"},
    {"DELETE", "/v1/access-grants/{id}", "oa"},
    {"POST", "/v1/campaigns", "oas"},
    {"GET", "/v1/campaigns", "oasv"},
    {"GET", "/v1/campaigns/{id}", "oasv"},
    {"GET", "/v1/campaigns/{id}/preview", "oasv"},
    {"GET", "/v1/campaigns/{id}/report", "oasv"},
    {"GET", "/v1/short-links", "oasv"},                // click statistics (issue 12)
    {"GET", "/v1/short-links/{code}/clicks", "oasv"},
    {"POST", "/v1/campaigns/{id}/start", "oas"},
    {"POST", "/v1/campaigns/{id}/pause", "oas"},
    {"POST", "/v1/campaigns/{id}/resume", "oas"},
    {"POST", "/v1/campaigns/{id}/cancel", "oas"},
    // Portal sessions: logging in needs no key; the others answer API keys with who they
    // are (GET) or 400 (an API key is no session to end).
    {"POST", "/v1/session", "public"},
    {"GET", "/v1/session", "oasv"},
    {"DELETE", "/v1/session", "oasv"},
    {"DELETE", "/v1/sessions", "oasv"},
    {"POST", "/v1/session/totp", "oasv"},
    {"POST", "/v1/session/totp/confirm", "oasv"},
    {"POST", "/v1/session/totp/recovery-codes", "oasv"},
    {"DELETE", "/v1/session/totp", "oasv"},
    {"PUT", "/v1/session/password", "oasv"},
    {"GET", "/v1/public/security", "public"},
};

const Rule* rule_for(const std::string& method, const std::string& pattern) {
  for (const auto& r : kRules) {
    if (method == r.method && pattern == r.pattern) return &r;
  }
  return nullptr;
}

// "/v1/contacts/{id}/consents" -> "/v1/contacts": the family that says what {id} names.
std::string family(const std::string& pattern) {
  auto second = pattern.find('/', 4);
  return pattern.substr(0, second);
}

// Replaces each {param} with values[family][param]; nullopt when there is none.
std::optional<std::string> fill(
    const std::string& pattern,
    const std::map<std::string, std::map<std::string, std::string>>& values) {
  std::string out = pattern;
  for (auto open = out.find('{'); open != std::string::npos; open = out.find('{')) {
    const auto close = out.find('}', open);
    const std::string name = out.substr(open + 1, close - open - 1);
    auto f = values.find(family(pattern));
    if (f == values.end() || !f->second.count(name)) return std::nullopt;
    out.replace(open, close - open + 1, f->second.at(name));
  }
  return out;
}

struct Keys {
  std::string owner, admin, sender, viewer;
  const std::string& of(char role) const {
    return role == 'o' ? owner : role == 'a' ? admin : role == 's' ? sender : viewer;
  }
};

class AuthzMatrix : public DiskretFixture {
 protected:
  // Billing on (the default), with a real diskret-vault: the credit routes are registered
  // and answer, so they are in the matrix like every other route.
  void SetUp() override {
    DiskretFixture::SetUp();
    ASSERT_TRUE(std::filesystem::exists(kBin + "/diskret-vault")) << "build diskret-vault";
    const std::string secret = dir_ + "/shared/vault.secret";
    std::filesystem::create_directories(dir_ + "/shared");
    std::ofstream(dir_ + "/vault.toml")
        << "[server]\ndata_dir = \"" << dir_ << "/vault\"\nhttp_listen = \"127.0.0.1:0\"\n"
        << "[vault]\nportal_origin = \"https://portal.example\"\nservice_secret_file = \""
        << secret << "\"\n";
    vault_ = std::make_unique<Background>(
        std::vector<std::string>{kBin + "/diskret-vault", "serve", "--config", dir_ + "/vault.toml"},
        dir_ + "/vault.out", dir_ + "/vault.err");
    auto line = vault_->wait_for(false, "serving on port ", std::chrono::seconds(20));
    ASSERT_TRUE(line) << vault_->err();
    std::ofstream(config_, std::ios::trunc)
        << "[server]\ndata_dir = \"" << dir_ << "/var\"\n"
        << "http_listen = \"127.0.0.1:0\"\nsmtp_listen = \"127.0.0.1:0\"\n"
        << "smpp_listen = \"127.0.0.1:0\"\n"
        << "[billing]\nenabled = true\nvault_url = \"http://127.0.0.1:" << std::stoi(*line)
        << "\"\nvault_secret_file = \"" << secret << "\"\n"
        << "[[smsc]]\nname = \"nowhere\"\nhost = \"127.0.0.1\"\nport = 9\n";
  }
  void TearDown() override {
    DiskretFixture::TearDown();
    vault_.reset();
  }

  RawResponse call(const std::string& method, const std::string& path, const std::string& key,
                   const std::string& body = {}, const std::string& type = "application/json") {
    RawClient client(port_);
    auto r = client.request(request(method, path, key, body, type));
    EXPECT_TRUE(r) << method << " " << path << ": no answer";
    return r.value_or(RawResponse{});
  }
  json::value call_json(const std::string& method, const std::string& path, const std::string& key,
                        const std::string& body, int expect) {
    auto r = call(method, path, key, body);
    EXPECT_EQ(r.status, expect) << method << " " << path << ": " << r.body;
    return r.body.empty() ? json::value() : json::parse(r.body);
  }

  /// Objects of tenant A, made with A's owner key; their markers must never reach B.
  void make_objects_of_a() {
    auto list = call_json("POST", "/v1/lists", a_.owner, R"({"name":"A-Stammkunden"})", 201);
    list_ = std::to_string(list.at("id").as_int64());
    auto contact =
        call_json("POST", "/v1/contacts", a_.owner,
                  R"({"phone":"0151 11111111","first_name":"Annabelle","last_name":"Aberle",)"
                  R"("fields":{"kundennummer":"A-4711"},"lists":[)" +
                      list_ +
                      R"(],"consent":{"source":"web_form","wording":"A-Einwilligung",)"
                      R"("obtained_at":"2024-01-01T10:00:00Z"}})",
                  201);
    contact_ = std::to_string(contact.at("id").as_int64());
    call_json("POST", "/v1/suppressions", a_.owner,
              R"({"phone":"+4915122222222","reason":"A-Grund"})", 201);
    auto user = call_json("POST", "/v1/users", a_.owner,
                          R"({"email":"anna.admin@a.example","role":"viewer"})", 201);
    user_ = std::to_string(user.at("id").as_int64());
    auto sent = call_json("POST", "/v1/messages", a_.owner,
                          R"({"to":"+4915133333333","text":"A-Nachricht","from":"AGmbH"})", 202);
    message_ = std::string(sent.at("messages").at(0).at("id").as_string());
    auto credential = call_json("POST", "/v1/smpp-credentials", a_.owner, "{}", 201);
    system_id_ = std::string(credential.at("system_id").as_string());
    auto sender = call_json("POST", "/v1/smtp-senders", a_.owner,
                            R"({"address":"erp@a-gmbh.example","networks":["192.0.2.0/24"]})", 201);
    smtp_sender_ = std::to_string(sender.at("id").as_int64());
    auto campaign = call_json("POST", "/v1/campaigns", a_.owner,
                              R"({"name":"A-Kampagne","lists":[)" + list_ +
                                  R"(],"from":"AGmbH","template":"A-Vorlage {{first_name}}"})",
                              201);
    campaign_ = std::to_string(campaign.at("id").as_int64());
    // A short link of A (marketing to the consented contact; the config has [links] domain).
    call_json("PATCH", "/v1/tenant", a_.owner, R"({"short_links":true})", 200);
    call_json("POST", "/v1/messages", a_.owner,
              R"({"to":"+4915111111111","text":"A-Angebot https://a-gmbh.example/sale )"
              R"(Abmelden: STOP","from":"AGmbH","category":"marketing"})",
              202);
    auto links = call_json("GET", "/v1/short-links", a_.owner, "", 200);
    if (links.is_object() && links.at("data").as_array().size() == 1) {
      short_link_ = std::string(links.at("data").at(0).at("code").as_string());
    }
    EXPECT_EQ(short_link_.size(), 8u) << "no short link of A: " << links;
    markers_ = {"4915111111111",        "Annabelle",      "Aberle",        "A-4711",
                "A-Stammkunden",        "A-Einwilligung", "4915122222222", "A-Grund",
                "anna.admin@a.example", message_,         system_id_,      "4915133333333",
                "erp@a-gmbh.example",   "A-Kampagne",     "A-Vorlage",
                "a-gmbh.example/sale"};
  }

  std::map<std::string, std::map<std::string, std::string>> objects_of_a() const {
    return {{"/v1/lists", {{"id", list_}}},
            {"/v1/contacts", {{"id", contact_}}},
            {"/v1/users", {{"id", user_}}},
            {"/v1/messages", {{"id", message_}}},
            {"/v1/suppressions", {{"phone", "+4915122222222"}}},
            {"/v1/smpp-credentials", {{"system_id", system_id_}}},
            {"/v1/smtp-senders", {{"id", smtp_sender_}}},
            {"/v1/campaigns", {{"id", campaign_}}},
            {"/v1/short-links", {{"code", short_link_}}}};
  }

  static std::map<std::string, std::map<std::string, std::string>> nowhere() {
    return {{"/v1/lists", {{"id", "999999999"}}},
            {"/v1/contacts", {{"id", "999999999"}}},
            {"/v1/users", {{"id", "999999999"}}},
            {"/v1/messages", {{"id", "00000000000f423f"}}},
            {"/v1/suppressions", {{"phone", "+4915199999999"}}},
            {"/v1/smpp-credentials", {{"system_id", "nosuchsystem"}}},
            {"/v1/smtp-senders", {{"id", "999999999"}}},
            {"/v1/api-keys", {{"id", "999999999"}}},
            {"/v1/cards", {{"token", "tok_nosuchcard0000000000"}}},
            {"/v1/access-grants", {{"id", "999999999"}}},
            {"/v1/campaigns", {{"id", "999999999"}}},
            {"/l/{code}", {{"code", "AAAAAAAA"}}},
            {"/v1/short-links", {{"code", "AAAAAAAA"}}},
            {"/v1/held-messages", {{"id", "hm_999999999"}}}};
  }

  void expect_no_marker(const RawResponse& r, const std::string& what) {
    for (const auto& m : markers_) {
      EXPECT_EQ(r.body.find(m), std::string::npos) << what << " shows tenant A's " << m;
    }
  }

  std::uint16_t port_ = 0;
  Keys a_;
  std::string b_owner_;
  std::string list_, contact_, user_, message_, system_id_, smtp_sender_, campaign_, short_link_;
  std::vector<std::string> markers_;
  std::unique_ptr<Background> vault_;
};

TEST_F(AuthzMatrix, NoKeyNoOtherTenantNoEscalation) {
  auto [tenant_a, owner_a] = create_tenant("Tenant A");
  a_.owner = owner_a;
  a_.admin = create_key(tenant_a, "admin");
  a_.sender = create_key(tenant_a, "sender");
  a_.viewer = create_key(tenant_a, "viewer");
  b_owner_ = create_tenant("Tenant B").second;
  std::ofstream(config_, std::ios::app) << "[links]\ndomain = \"sms.a.example\"\n";
  auto credit = diskret({"credits", "grant", "--tenant", tenant_a, "--amount-cents", "100000",
                         "--reason", "authz test"});
  ASSERT_EQ(credit.exit_code, 0) << credit.err;
  port_ = start_server();
  ASSERT_NE(port_, 0);
  const auto all = routes();
  ASSERT_GE(all.size(), 30u) << "the routes file is incomplete";
  make_objects_of_a();
  ASSERT_FALSE(HasFailure());

  std::size_t checked = 0;
  for (const auto& [method, pattern] : all) {
    SCOPED_TRACE(method + " " + pattern);
    const Rule* rule = rule_for(method, pattern);
    if (rule == nullptr) {
      ADD_FAILURE() << "route not in the authorization matrix: classify it in kRules";
      continue;
    }
    const bool is_public = std::string(rule->roles) == "public";
    const bool has_params = pattern.find('{') != std::string::npos;
    const std::string body = method == "GET" || method == "DELETE" ? "" : "{}";
    const std::string type = pattern == "/v1/contacts/import" ? "text/csv" : "application/json";

    // (a) No key.
    auto bogus = fill(pattern, nowhere());
    if (!bogus) {
      ADD_FAILURE() << "no fixture for the parameters of this route";
      continue;
    }
    if (!is_public) {
      EXPECT_EQ(call(method, *bogus, "", body, type).status, 401);
    }

    // (c) Every role, on ids that do not exist: the role decides before anything else.
    for (char role : std::string("oasv")) {
      auto r = call(method, *bogus, a_.of(role), body, type);
      const bool allowed = is_public || std::string(rule->roles).find(role) != std::string::npos;
      if (allowed) {
        EXPECT_NE(r.status, 401) << role << ": " << r.body;
        EXPECT_NE(r.status, 403) << role << ": " << r.body;
        if (!is_public) {  // /readyz may answer 503
          EXPECT_LT(r.status, 500) << role << ": " << r.body;
        }
      } else {
        EXPECT_EQ(r.status, 403) << "role escalation for " << role << ": " << r.body;
      }
    }

    // (b) Tenant B's owner against tenant A's objects.
    if (has_params) {
      // Families without an object of A made here are tried with an id that exists nowhere.
      auto path = fill(pattern, objects_of_a());
      if (!path) path = bogus;
      std::string b_body = body;
      if (method == "PATCH") {
        b_body =
            pattern.starts_with("/v1/users") ? R"({"role":"owner"})" : R"({"first_name":"Eve"})";
      }
      auto r = call(method, *path, b_owner_, b_body, type);
      EXPECT_EQ(r.status, 404) << "tenant B reached tenant A's object: " << r.body;
      expect_no_marker(r, "tenant B's answer");
    } else if (method == "GET" && !is_public) {
      auto r = call(method, pattern, b_owner_);
      EXPECT_TRUE(r.status == 200 || r.status == 404) << r.body;  // 404: B has none
      expect_no_marker(r, "tenant B's list");
    }
    ++checked;
  }
  EXPECT_EQ(checked, all.size());

  // Tenant B cannot reach A's objects through bodies and queries either.
  expect_no_marker(call("GET", "/v1/contacts?phone=%2B4915111111111", b_owner_), "search by phone");
  EXPECT_EQ(call("POST", "/v1/contacts", b_owner_,
                 R"({"phone":"+4915144444444","lists":[)" + list_ + "]}")
                .status,
            422);
  EXPECT_EQ(call("POST", "/v1/contacts/import?list=" + list_, b_owner_, "phone\n015144444445\n",
                 "text/csv")
                .status,
            422);
  // The same person in B is another contact: nothing of A's record shows.
  auto same = call("POST", "/v1/contacts", b_owner_, R"({"phone":"+4915111111111"})");
  EXPECT_EQ(same.status, 201) << same.body;
  markers_.erase(markers_.begin());  // the number itself B knows: it just sent it
  expect_no_marker(same, "B's contact with A's number");
  EXPECT_NE(same.body.find("\"consent\":null"), std::string::npos) << same.body;

  // Admins cannot make or unmake owners; senders and viewers manage nobody.
  EXPECT_EQ(call("POST", "/v1/users", a_.admin, R"({"email":"x@a.example","role":"owner"})").status,
            403);
  EXPECT_EQ(call("PATCH", "/v1/users/" + user_, a_.admin, R"({"role":"owner"})").status, 403);
  // ... nor reset an owner's password or second factor (that would take the account over).
  auto owner_user = call_json("POST", "/v1/users", a_.owner,
                              R"({"email":"olga.owner@a.example","role":"owner"})", 201);
  const std::string owner_id = std::to_string(owner_user.at("id").as_int64());
  EXPECT_EQ(call("POST", "/v1/users/" + owner_id + "/password-reset", a_.admin, "{}").status, 403);
  EXPECT_EQ(call("DELETE", "/v1/users/" + owner_id + "/totp", a_.admin).status, 403);
  EXPECT_EQ(call("POST", "/v1/users/" + owner_id + "/password-reset", a_.owner, "{}").status, 200);
  EXPECT_EQ(call("POST", "/v1/users/" + user_ + "/password-reset", a_.admin, "{}").status, 200);
  EXPECT_EQ(
      call("POST", "/v1/users", a_.sender, R"({"email":"y@a.example","role":"viewer"})").status,
      403);
  EXPECT_EQ(call("POST", "/v1/messages", a_.viewer,
                 R"({"to":"+4915155555555","text":"x","from":"AGmbH"})")
                .status,
            403);

  // Everything of A is as it was.
  auto contact = call("GET", "/v1/contacts/" + contact_, a_.owner);
  ASSERT_EQ(contact.status, 200);
  EXPECT_NE(contact.body.find("Annabelle"), std::string::npos);
  EXPECT_NE(contact.body.find("\"lists\":[" + list_ + "]"), std::string::npos) << contact.body;
  EXPECT_EQ(call("GET", "/v1/lists/" + list_, a_.owner).status, 200);
  EXPECT_EQ(call("GET", "/v1/suppressions/+4915122222222", a_.owner).status, 200);
  auto user = call("GET", "/v1/users/" + user_, a_.owner);
  EXPECT_EQ(user.status, 200);
  EXPECT_NE(user.body.find("\"role\":\"viewer\""), std::string::npos);
  EXPECT_EQ(call("GET", "/v1/messages/" + message_, a_.owner).status, 200);
  auto clicks = call("GET", "/v1/short-links/" + short_link_ + "/clicks", a_.owner);
  EXPECT_EQ(clicks.status, 200) << "A reads its own link's clicks: " << clicks.body;
  auto credentials = call("GET", "/v1/smpp-credentials", a_.owner);
  EXPECT_NE(credentials.body.find(system_id_), std::string::npos);
}

}  // namespace
}  // namespace diskret::test
