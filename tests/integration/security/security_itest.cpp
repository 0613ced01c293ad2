// The security test suite (issue 11): attacks against the real `diskret serve`, each of
// which must be refused or inert. Cross-tenant access on every route with an id (BOLA) and
// role escalation are the authorization matrix (tests/integration/authz); here: the rest.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "../smsc_sim/smpp_test_client.hpp"
#include "integration/authz/diskret_fixture.hpp"
#include "integration/smtp/swaks.hpp"

namespace diskret::test {
namespace {

namespace json = boost::json;

class SecuritySuite : public DiskretFixture {
 protected:
  /// Tenants A and B (owner keys), a viewer key of A, then the server.
  void start(const std::string& extra_config = {}) {
    if (!extra_config.empty()) std::ofstream(config_, std::ios::app) << extra_config;
    auto a = create_tenant("Tenant A");
    tenant_a_ = a.first;
    a_ = a.second;
    a_viewer_ = create_key(tenant_a_, "viewer");
    b_ = create_tenant("Tenant B").second;
    port_ = start_server();
    ASSERT_NE(port_, 0);
  }

  RawResponse raw(const std::string& bytes) {
    RawClient client(port_);
    auto r = client.request(bytes);
    EXPECT_TRUE(r) << "no answer to: " << bytes.substr(0, 80);
    return r.value_or(RawResponse{});
  }
  RawResponse call(const std::string& method, const std::string& path, const std::string& key,
                   const std::string& body = {}) {
    return raw(request(method, path, key, body));
  }
  static std::string get_with(const std::string& path, const std::string& headers) {
    return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + headers + "\r\n";
  }

  std::uint16_t port_ = 0;
  std::string tenant_a_, a_, a_viewer_, b_;
};

TEST_F(SecuritySuite, AuthenticationBypassAttemptsAreRefused) {
  start();
  auto sent = call("POST", "/v1/messages", a_, R"({"to":"+4915133333333","text":"A-geheim","from":"AGmbH"})");
  ASSERT_EQ(sent.status, 202) << sent.body;
  const std::string id(json::parse(sent.body).at("messages").at(0).at("id").as_string());

  const std::vector<std::string> bad_headers = {
      "",                                               // none
      "Authorization: Bearer\r\n",                      // scheme only
      "Authorization: Bearer \r\n",
      "Authorization: Basic " + a_ + "\r\n",            // another scheme
      "Authorization: Bearer " + a_ + "x\r\n",          // one character more
      "Authorization: Bearer " + a_.substr(0, a_.size() - 1) + "\r\n",  // one less
      "Authorization: Bearer dsk_live_\r\n",            // the prefix alone
      "Authorization: Bearer " + std::string(4000, 'A') + "\r\n",
      "Authorization: Bearer ' OR '1'='1\r\n",
      "Authorization: Bearer null\r\n",
      "Cookie: diskret_session=forged-session-token\r\n",
      "Cookie: diskret_session=\r\n",
      "X-Api-Key: " + a_ + "\r\n",                      // keys only count in Authorization
      "X-Tenant-Id: " + tenant_a_ + "\r\n",
      "X-Forwarded-For: 127.0.0.1\r\nX-Real-Ip: 127.0.0.1\r\n",
  };
  for (const auto& h : bad_headers) {
    SCOPED_TRACE(h.substr(0, 60));
    auto r = raw(get_with("/v1/messages/" + id, h));
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.body.find("4915133333333"), std::string::npos);
    auto list = raw(get_with("/v1/messages", h));
    EXPECT_EQ(list.status, 401);
  }
  // The key in the query string is not a credential.
  EXPECT_EQ(call("GET", "/v1/messages?api_key=" + a_, "").status, 401);
  EXPECT_EQ(call("GET", "/v1/messages?access_token=" + a_, "").status, 401);
  // Path spellings do not reach a route without its authentication.
  for (std::string path : {"/v1/messages/", "//v1/messages", "/v1//messages", "/V1/MESSAGES",
                           "/v1/messages/../messages", "/v1/%6dessages", "/healthz/../v1/messages",
                           "/v1/messages%00", "/v1/messages;x", "/v1/messages/%2e%2e/messages"}) {
    SCOPED_TRACE(path);
    auto r = call("GET", path, "");
    EXPECT_NE(r.status, 200) << r.body;
    EXPECT_LT(r.status, 500);
    EXPECT_EQ(r.body.find("4915133333333"), std::string::npos);
  }
  // Another tenant's key stays that tenant's, whatever the headers claim.
  auto b_view = raw(get_with("/v1/messages/" + id, "Authorization: Bearer " + b_ + "\r\nX-Tenant-Id: " +
                                                       tenant_a_ + "\r\n"));
  EXPECT_EQ(b_view.status, 404);
  // A method override header does not turn a read into a deletion or a send.
  auto overridden = raw(get_with("/v1/messages", "Authorization: Bearer " + a_viewer_ +
                                                     "\r\nX-HTTP-Method-Override: POST\r\n"));
  EXPECT_EQ(overridden.status, 200);
  // A revoked key stops working at once.
  auto key = create_key(tenant_a_, "sender");
  EXPECT_EQ(call("GET", "/v1/messages", key).status, 200);
  auto listed = json::parse(call("GET", "/v1/api-keys", a_).body);
  std::string key_id;
  for (const auto& k : listed.at("data").as_array()) {
    if (key.starts_with(std::string(k.at("prefix").as_string()))) key_id = json::serialize(k.at("id"));
  }
  ASSERT_FALSE(key_id.empty()) << listed;
  key_id.erase(std::remove(key_id.begin(), key_id.end(), '"'), key_id.end());
  auto revoked = call("DELETE", "/v1/api-keys/" + key_id, a_);
  EXPECT_TRUE(revoked.status == 200 || revoked.status == 204) << revoked.body;
  EXPECT_EQ(call("GET", "/v1/messages", key).status, 401);
}

TEST_F(SecuritySuite, MassAssignmentIsRefusedOrInert) {
  start();
  // Privileged or unknown fields in a send are refused as a whole.
  for (std::string extra : {R"("tenant_id":"tn_other")", R"("status":"delivered")", R"("id":"0000000000000001")",
                            R"("segments":0)", R"("price_cents":0)", R"("__proto__":{"admin":true})"}) {
    SCOPED_TRACE(extra);
    auto r = call("POST", "/v1/messages", a_, R"({"to":"+4915133333333","text":"x","from":"AGmbH",)" + extra + "}");
    EXPECT_EQ(r.status, 422) << r.body;
  }
  // Tenant settings: the id, the name of another tenant, roles and balances are not settings.
  const auto before = call("GET", "/v1/tenant", a_).body;
  for (std::string body : {R"({"id":"tn_x"})", R"({"tenant_id":"tn_x"})", R"({"public_id":"tn_x"})",
                           R"({"balance_cents":100000})", R"({"role":"owner"})", R"({"created_at":"2020-01-01T00:00:00Z"})"}) {
    SCOPED_TRACE(body);
    auto r = call("PATCH", "/v1/tenant", a_, body);
    EXPECT_GE(r.status, 400) << r.body;
    EXPECT_LT(r.status, 500) << r.body;
  }
  EXPECT_EQ(call("GET", "/v1/tenant", a_).body, before) << "a refused change changed something";
  // A viewer cannot change settings, and nobody mints a key for another tenant or role
  // above its own.
  EXPECT_EQ(call("PATCH", "/v1/tenant", a_viewer_, R"({"default_region":"AT"})").status, 403);
  auto key = call("POST", "/v1/api-keys", a_, R"({"name":"k","role":"viewer","tenant_id":"tn_other"})");
  EXPECT_EQ(key.status, 422) << key.body;
  // Contacts: unknown top-level fields are refused; ids and tenants cannot be chosen.
  auto contact = call("POST", "/v1/contacts", a_, R"({"phone":"+4915144444444","id":1,"tenant_id":2})");
  EXPECT_EQ(contact.status, 422) << contact.body;
  // Abuse settings (issue 11) take only their own field.
  EXPECT_EQ(call("PUT", "/v1/abuse-settings", a_, R"({"link_check":true,"tenant":"tn_x"})").status, 422);
  // B's data stayed B's: no contact was created anywhere.
  auto b_contacts = call("GET", "/v1/contacts", b_);
  EXPECT_EQ(b_contacts.status, 200);
  EXPECT_EQ(b_contacts.body.find("4915144444444"), std::string::npos);
}

TEST_F(SecuritySuite, SqlInjectionInListFiltersIsInert) {
  start();
  ASSERT_EQ(call("POST", "/v1/messages", b_, R"({"to":"+4915155555555","text":"B-geheim","from":"BGmbH"})").status, 202);
  ASSERT_EQ(call("POST", "/v1/contacts", b_, R"({"phone":"+4915155555556","first_name":"Bertha"})").status, 201);
  ASSERT_EQ(call("POST", "/v1/messages", a_, R"({"to":"+4915133333333","text":"A","from":"AGmbH"})").status, 202);
  const std::vector<std::string> payloads = {
      "'", "' OR '1'='1", "1' OR 1=1 --", "1; DROP TABLE messages; --", "\" OR \"\"=\"",
      "1 UNION SELECT tenant_id, id FROM tenants --", "') OR ('x'='x", "%", "_", "*",
      "1/**/OR/**/1=1", "-1", "99999999999999999999999", "0x7fffffff", "%00", "\\",
  };
  auto encode = [](const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        out += static_cast<char>(c);
      } else {
        out += fmt::format("%{:02X}", c);
      }
    }
    return out;
  };
  const std::vector<std::pair<std::string, std::vector<std::string>>> lists = {
      {"/v1/messages", {"status", "since", "until", "campaign", "cursor", "limit"}},
      {"/v1/contacts", {"phone", "list", "cursor", "limit"}},
      {"/v1/suppressions", {"cursor", "limit"}},
      {"/v1/lists", {"cursor", "limit"}},
      {"/v1/inbound", {"cursor", "limit"}},
      {"/v1/campaigns", {"cursor", "limit"}},
      {"/v1/audit", {"phone", "cursor", "limit"}},
      {"/v1/alerts", {"cursor", "limit"}},
      {"/v1/users", {"cursor", "limit"}},
      {"/v1/webhooks/deliveries", {"event_id", "cursor", "limit"}},
      {"/v1/short-links", {"cursor", "limit"}},
      {"/v1/held-messages", {"cursor", "limit"}},
  };
  int checked = 0;
  for (const auto& [path, params] : lists) {
    for (const auto& param : params) {
      for (const auto& p : payloads) {
        SCOPED_TRACE(path + "?" + param + "=" + p);
        auto r = call("GET", path + "?" + param + "=" + encode(p), a_);
        EXPECT_LT(r.status, 500) << r.body;
        EXPECT_EQ(r.body.find("4915155555555"), std::string::npos) << "B's message leaked";
        EXPECT_EQ(r.body.find("Bertha"), std::string::npos) << "B's contact leaked";
        EXPECT_EQ(r.body.find("SQLITE"), std::string::npos);
        EXPECT_EQ(r.body.find("syntax error"), std::string::npos);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 400);
  // Nothing was dropped or changed: both tenants still see exactly their own.
  auto a_list = call("GET", "/v1/messages", a_);
  ASSERT_EQ(a_list.status, 200);
  EXPECT_EQ(json::parse(a_list.body).at("data").as_array().size(), 1u) << a_list.body;
  auto b_list = call("GET", "/v1/messages", b_);
  ASSERT_EQ(b_list.status, 200);
  EXPECT_EQ(json::parse(b_list.body).at("data").as_array().size(), 1u);
  EXPECT_NE(call("GET", "/v1/contacts", b_).body.find("Bertha"), std::string::npos);
}

TEST_F(SecuritySuite, PathTraversalAgainstStaticFilesIsRefused) {
  const std::string site = dir_ + "/site";
  std::filesystem::create_directories(site + "/assets");
  std::ofstream(site + "/index.html") << "<!doctype html><title>portal</title>";
  std::ofstream(site + "/assets/app.js") << "console.log('portal')";
  std::ofstream(dir_ + "/outside-secret.txt") << "TOP-SECRET-OUTSIDE";
  start("[portal]\ndir = \"" + site + "\"\n");
  ASSERT_EQ(call("GET", "/assets/app.js", "").status, 200);
  for (std::string path :
       {"/../outside-secret.txt", "/assets/../../outside-secret.txt", "/%2e%2e/outside-secret.txt",
        "/assets/%2e%2e/%2e%2e/outside-secret.txt", "/..%2foutside-secret.txt", "/assets/..%2f..%2foutside-secret.txt",
        "/%252e%252e/outside-secret.txt", "/assets/..\\..\\outside-secret.txt", "/..;/outside-secret.txt",
        "/assets/%c0%ae%c0%ae/outside-secret.txt", "/../../../../../../etc/passwd", "//etc/passwd",
        "/assets/../../../../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/assets/app.js%00.html",
        "/.%2e/.%2e/etc/passwd", "/assets/./../../outside-secret.txt"}) {
    SCOPED_TRACE(path);
    auto r = call("GET", path, "");
    EXPECT_EQ(r.body.find("TOP-SECRET-OUTSIDE"), std::string::npos);
    EXPECT_EQ(r.body.find("root:x:0:0"), std::string::npos);
    EXPECT_LT(r.status, 500);
  }
}

TEST_F(SecuritySuite, HeaderInjectionIsRefused) {
  start("[webhooks]\nallow_private_hosts = true\n");
  for (std::string body : {R"({"url":"http://127.0.0.1:9/hook\r\nX-Injected: 1","secret":"s3cret-s3cret"})",
                           R"({"url":"http://127.0.0.1:9/hook%0d%0aX-Injected:%201","secret":"s3cret-s3cret"})",
                           R"({"url":"http://127.0.0.1:9/hook\nHost: evil.example","secret":"s3cret-s3cret"})",
                           R"({"url":"http://127.0.0.1:9/ho ok","secret":"s3cret-s3cret"})",
                           R"({"url":"http://evil.example\r\n@127.0.0.1:9/","secret":"s3cret-s3cret"})",
                           R"({"url":"http://127.0.0.1:9/hook","secret":"s3cret\r\nX-Injected: 1"})",
                           R"({"url":"http://127.0.0.1:9/hook","secret":"s3cret\u0000x"})"}) {
    SCOPED_TRACE(body);
    auto r = call("PUT", "/v1/webhooks", a_, body);
    if (r.status < 300) {
      // Accepted only if what is stored is inert: no CR/LF/NUL reaches a header.
      auto stored = call("GET", "/v1/webhooks", a_).body;
      EXPECT_EQ(stored.find("\\r\\n"), std::string::npos) << stored;
      EXPECT_EQ(stored.find("X-Injected: 1"), std::string::npos) << stored;
    } else {
      EXPECT_EQ(r.status, 422) << r.body;
    }
  }
  // A request id with an encoded CRLF is not echoed into the response head.
  auto r = raw(get_with("/healthz", "X-Request-Id: abc%0d%0aSet-Cookie:%20x=1\r\n"));
  EXPECT_EQ(r.header("Set-Cookie"), "");
  EXPECT_NE(r.header("X-Request-Id"), "abc%0d%0aSet-Cookie:%20x=1");
  // A raw CR inside a header value is malformed HTTP, never a second header.
  auto split = raw("GET /healthz HTTP/1.1\r\nHost: test\r\nX-Request-Id: abc\rSet-Cookie: x=1\r\n\r\n");
  EXPECT_EQ(split.header("Set-Cookie"), "");
}

TEST_F(SecuritySuite, XssPayloadsComeBackAsInertJson) {
  start();
  const std::string script = "<script>alert(1)</script>";
  const std::string attr = "\\\"><img src=x onerror=alert(document.cookie)>";
  auto created = call("POST", "/v1/contacts", a_,
                      R"({"phone":"+4915166666666","first_name":")" + script + R"(","last_name":")" + attr +
                          R"(","fields":{"note":"<svg onload=alert(1)>"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json::serialize(json::parse(created.body).at("id"));
  auto got = call("GET", "/v1/contacts/" + id, a_);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.header("Content-Type").substr(0, 16), "application/json");
  EXPECT_EQ(got.header("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(got.header("Content-Security-Policy").find("default-src 'none'"), std::string::npos);
  auto o = json::parse(got.body).as_object();
  EXPECT_EQ(o.at("first_name").as_string(), script) << "stored and returned as data, unchanged";
  auto sent = call("POST", "/v1/messages/preview", a_,
                   R"({"to":"+4915166666666","text":"Hi <img src=x onerror=alert(1)>","from":"AGmbH"})");
  EXPECT_LT(sent.status, 500);
  if (sent.status == 200) {
    EXPECT_EQ(sent.header("Content-Type").substr(0, 16), "application/json");
    EXPECT_EQ(sent.header("X-Content-Type-Options"), "nosniff");
  }
  // An error answer never reflects markup as HTML.
  auto bad = call("GET", "/v1/contacts/%3Cscript%3Ealert(1)%3C%2Fscript%3E", a_);
  EXPECT_NE(bad.header("Content-Type").find("json"), std::string::npos);
  EXPECT_EQ(bad.body.find("<script>"), std::string::npos);
}

TEST_F(SecuritySuite, FailedAuthenticationsAreRateLimitedPerAddress) {
  start("[limits]\nauth_failures_per_second = 1\nauth_failures_burst = 5\n");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(call("GET", "/v1/messages", "dsk_live_guess" + std::to_string(i)).status, 401);
  }
  auto limited = call("GET", "/v1/messages", "dsk_live_guess-more");
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.header("Content-Type"), "application/problem+json");
  EXPECT_FALSE(limited.header("Retry-After").empty());
  EXPECT_EQ(call("GET", "/v1/messages", a_).status, 429) << "the address is out, whatever the key";
  EXPECT_EQ(call("GET", "/healthz", "").status, 200) << "probes are never limited";
  auto metrics = call("GET", "/metrics", "");
  EXPECT_NE(metrics.body.find("diskret_http_rate_limited_total{limit=\"auth_failures\"}"), std::string::npos);
}

TEST_F(SecuritySuite, PerKeyRateLimitAnswers429) {
  start("[limits]\nkey_per_second = 1\nkey_burst = 3\n");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(call("GET", "/v1/tenant", a_).status, 200);
  auto limited = call("GET", "/v1/tenant", a_);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("Retry-After"), "1");
  EXPECT_EQ(call("GET", "/v1/tenant", b_).status, 200) << "other keys are not affected";
}

TEST_F(SecuritySuite, SecurityTxtIsServed) {
  start("[security]\ncontact = [\"mailto:security@diskret.example\"]\nexpires = \"2027-06-30T00:00:00Z\"\n");
  auto r = call("GET", "/.well-known/security.txt", "");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_NE(r.body.find("Contact: mailto:security@diskret.example\r\n"), std::string::npos);
  EXPECT_NE(r.body.find("Expires: 2027-06-30T00:00:00Z\r\n"), std::string::npos);
}

TEST_F(SecuritySuite, SmsPumpingToPremiumRangesIsHeldAndReleasable) {
  start("[security]\npumping_unusual_per_hour = 1\n");
  // German premium rate (+49 900) is in the tenant's own country: allowed, but unusual.
  auto r = call("POST", "/v1/messages", a_,
                R"({"to":["+499001234567","+499001234568","+4915133333333"],"text":"Gewinn!","from":"AGmbH"})");
  ASSERT_EQ(r.status, 202) << r.body;
  auto msgs = json::parse(r.body).at("messages").as_array();
  EXPECT_EQ(msgs.at(0).at("status").as_string(), "accepted");
  EXPECT_EQ(msgs.at(1).at("status").as_string(), "rejected");
  EXPECT_EQ(msgs.at(1).at("error").at("code").as_string(), "held_for_review");
  EXPECT_EQ(msgs.at(2).at("status").as_string(), "accepted") << "mobiles are not held";
  auto held = call("GET", "/v1/held-messages", a_);
  ASSERT_EQ(held.status, 200);
  auto data = json::parse(held.body).at("data").as_array();
  ASSERT_EQ(data.size(), 1u);
  const std::string id(data.at(0).at("id").as_string());
  EXPECT_EQ(call("POST", "/v1/held-messages/" + id + "/release", b_).status, 404);
  EXPECT_EQ(call("GET", "/v1/held-messages", a_viewer_).status, 403);
  auto released = call("POST", "/v1/held-messages/" + id + "/release", a_);
  EXPECT_EQ(released.status, 202) << released.body;
  std::string alerts;  // raised off the request thread
  for (int i = 0; i < 50 && alerts.find("fraud.messages_held") == std::string::npos; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    alerts = call("GET", "/v1/alerts", a_).body;
  }
  EXPECT_NE(alerts.find("fraud.messages_held"), std::string::npos) << alerts;
  // The review decision is in the tenant's audit trail, with who decided.
  auto trail = call("GET", "/v1/audit", a_);
  ASSERT_EQ(trail.status, 200) << trail.body;
  EXPECT_NE(trail.body.find("fraud.held_released"), std::string::npos) << trail.body;
  EXPECT_NE(trail.body.find("held_message:" + id), std::string::npos) << trail.body;
}

// CSRF: a change under the portal's session cookie needs the session's X-CSRF-Token and
// must not come from another site's page (Origin, Sec-Fetch-Site); a refused one changes
// nothing. Reads stay open to the session (the browser's CORS keeps foreign pages from
// reading the answers).
TEST_F(SecuritySuite, CsrfChangesUnderTheSessionNeedTheTokenAndTheOwnOrigin) {
  start();
  const std::string password = "ein-langes-Passwort-42";
  ASSERT_EQ(call("POST", "/v1/users", a_,
                 R"({"email":"anna@a.example","role":"admin","password":")" + password + "\"}")
                .status,
            201);
  auto login = call("POST", "/v1/session", "",
                    R"({"account":")" + tenant_a_ + R"(","email":"anna@a.example","password":")" +
                        password + "\"}");
  ASSERT_EQ(login.status, 201) << login.body;
  const std::string set_cookie = login.header("Set-Cookie");
  const auto eq = set_cookie.find('=');
  const std::string cookie = "Cookie: diskret_session=" + set_cookie.substr(eq + 1, set_cookie.find(';') - eq - 1) + "\r\n";
  const std::string csrf(json::parse(login.body).at("csrf_token").as_string());
  auto with = [&](const std::string& method, const std::string& path, const std::string& headers,
                  const std::string& body = {}) {
    std::string r = method + " " + path + " HTTP/1.1\r\nHost: test\r\n" + cookie + headers;
    if (method != "GET") {
      r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    }
    return raw(r + "\r\n" + body);
  };
  const std::string list = R"({"name":"Liste"})";
  auto refused = [&](const std::string& headers, const char* what) {
    auto r = with("POST", "/v1/lists", headers, list);
    EXPECT_EQ(r.status, 403) << what << ": " << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json") << what;
  };
  refused("", "no token");
  refused("X-CSRF-Token: wrong\r\n", "a wrong token");
  refused("X-CSRF-Token: " + csrf.substr(0, csrf.size() - 1) + "\r\n", "a token one character short");
  refused("X-CSRF-Token: " + csrf + "\r\nOrigin: https://evil.example\r\n", "a foreign Origin");
  refused("X-CSRF-Token: " + csrf + "\r\nOrigin: null\r\n", "the null Origin");
  refused("X-CSRF-Token: " + csrf + "\r\nOrigin: http://test.evil.example\r\n", "a look-alike Origin");
  refused("X-CSRF-Token: " + csrf + "\r\nSec-Fetch-Site: cross-site\r\n", "Sec-Fetch-Site cross-site");
  auto patch = with("PATCH", "/v1/tenant", "Origin: https://evil.example\r\n", R"({"display_name":"Pwned"})");
  EXPECT_EQ(patch.status, 403) << patch.body;
  auto lists = with("GET", "/v1/lists", "Origin: https://evil.example\r\n");
  ASSERT_EQ(lists.status, 200) << lists.body;
  EXPECT_EQ(lists.body.find("Liste"), std::string::npos) << "a refused request changed something";
  EXPECT_EQ(json::parse(call("GET", "/v1/tenant", a_).body).at("display_name").as_string(), "Tenant A");

  EXPECT_EQ(with("POST", "/v1/lists", "X-CSRF-Token: " + csrf + "\r\n", list).status, 201);
  EXPECT_EQ(with("POST", "/v1/lists", "X-CSRF-Token: " + csrf + "\r\nOrigin: http://test\r\nSec-Fetch-Site: same-origin\r\n",
                 R"({"name":"Zweite"})")
                .status,
            201)
      << "the portal's own page";
  // An API key is no ambient credential: no token, any Origin.
  auto keyed = raw("POST /v1/lists HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer " + a_ +
                   "\r\nOrigin: https://tool.example\r\nContent-Type: application/json\r\n"
                   "Content-Length: 17\r\n\r\n{\"name\":\"Dritte\"}");
  EXPECT_EQ(keyed.status, 201) << keyed.body;
}

// A tenant's own pumping allowance (PATCH /v1/tenant): owners and admins only, within the
// operator's bounds, read-only limits refused (mass assignment), audited, and in force on
// the next request of that tenant only.
TEST_F(SecuritySuite, TenantPumpingLimitsAreBoundedAndAudited) {
  start("[security]\npumping_unusual_per_hour = 1\npumping_unusual_per_hour_max = 3\n");
  EXPECT_EQ(call("PATCH", "/v1/tenant", a_viewer_, R"({"pumping_unusual_per_hour":2})").status, 403);
  EXPECT_EQ(call("PATCH", "/v1/tenant", a_, R"({"pumping_unusual_per_hour":4})").status, 422);
  EXPECT_EQ(call("PATCH", "/v1/tenant", a_, R"({"pumping_prefix_per_hour":0})").status, 422)
      << "switching the per-range limit off is the operator's";
  EXPECT_EQ(call("PATCH", "/v1/tenant", a_,
                 R"({"pumping_limits":{"unusual_per_hour":1000,"unusual_per_hour_max":1000}})")
                .status,
            422);
  auto patched = call("PATCH", "/v1/tenant", a_, R"({"pumping_unusual_per_hour":3})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto shown = json::parse(patched.body);
  EXPECT_EQ(shown.at("pumping_unusual_per_hour").as_int64(), 3);
  EXPECT_EQ(shown.at("pumping_limits").at("unusual_per_hour").as_int64(), 3);
  auto other = json::parse(call("GET", "/v1/tenant", b_).body);
  EXPECT_TRUE(other.at("pumping_unusual_per_hour").is_null());
  EXPECT_EQ(other.at("pumping_limits").at("unusual_per_hour").as_int64(), 1);

  auto send = [this](const std::string& key) {
    auto r = call("POST", "/v1/messages", key,
                  R"({"to":["+499001234560","+499001234561","+499001234562","+499001234563","+499001234564"],"text":"Gewinn!","from":"AGmbH"})");
    EXPECT_EQ(r.status, 202) << r.body;
    int accepted = 0;
    if (r.status != 202) return accepted;
    const json::value parsed = json::parse(r.body);
    for (const auto& m : parsed.at("messages").as_array()) {
      accepted += m.at("status").as_string() == "accepted";
    }
    return accepted;
  };
  EXPECT_EQ(send(a_), 3) << "A's own allowance";
  EXPECT_EQ(send(b_), 1) << "B keeps the platform's";
  auto trail = call("GET", "/v1/audit", a_);
  ASSERT_EQ(trail.status, 200) << trail.body;
  EXPECT_NE(trail.body.find("tenant.pumping_limits_changed"), std::string::npos) << trail.body;
}

// Every way into the pipeline goes through the pumping guard (issue 11). Each test below
// is a burst to German premium-rate numbers (+49 900, allowed: the tenant's own country,
// but unusual) with an allowance of one an hour: the first goes, the rest are held, named
// by the path they came in on, and none of them is queued for sending.
class PumpingOnEveryPath : public SecuritySuite {
 protected:
  static std::string premium(int i) { return "+49900123456" + std::to_string(i); }

  void start_guarded() { start("[security]\npumping_unusual_per_hour = 1\n"); }

  /// The held messages of A: source per held number.
  std::map<std::string, std::string> held_sources() {
    auto r = call("GET", "/v1/held-messages", a_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, std::string> out;
    if (r.status != 200) return out;
    const json::value parsed = json::parse(r.body);
    for (const auto& h : parsed.at("data").as_array()) {
      out[std::string(h.at("to").as_string())] = std::string(h.at("source").as_string());
    }
    return out;
  }
  /// A's messages by status, from GET /v1/messages.
  std::map<std::string, std::size_t> statuses(std::map<std::string, std::size_t>* held_codes = nullptr) {
    auto r = call("GET", "/v1/messages?limit=100", a_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, std::size_t> out;
    if (r.status != 200) return out;
    const json::value parsed = json::parse(r.body);
    for (const auto& m : parsed.at("data").as_array()) {
      ++out[std::string(m.at("status").as_string())];
      if (held_codes && m.as_object().contains("error") && m.at("error").is_object()) {
        ++(*held_codes)[std::string(m.at("error").at("code").as_string())];
      }
    }
    return out;
  }
  std::uint16_t port_of(const std::string& marker) {
    auto line = server_->wait_for(true, marker, std::chrono::seconds(5));
    EXPECT_TRUE(line) << marker;
    return line ? static_cast<std::uint16_t>(std::stoi(*line)) : 0;
  }
};

TEST_F(PumpingOnEveryPath, RestSingleRequestsAreHeld) {
  start_guarded();
  for (int i = 0; i < 3; ++i) {
    auto r = call("POST", "/v1/messages", a_,
                  R"({"to":")" + premium(i) + R"(","text":"Gewinn!","from":"AGmbH"})");
    ASSERT_EQ(r.status, 202) << r.body;
    auto m = json::parse(r.body).at("messages").at(0);
    EXPECT_EQ(m.at("status").as_string(), i == 0 ? "accepted" : "rejected") << i;
  }
  auto held = held_sources();
  EXPECT_EQ(held.size(), 2u);
  EXPECT_EQ(held[premium(1)], "api");
  EXPECT_EQ(held[premium(2)], "api");
  EXPECT_EQ(statuses()["accepted"], 1u) << "only the first is queued";
}

TEST_F(PumpingOnEveryPath, SmppSubmitsAreHeld) {
  start_guarded();
  const auto smpp_port = port_of("SMPP server on 127.0.0.1:");
  ASSERT_NE(smpp_port, 0);
  auto cred = call("POST", "/v1/smpp-credentials", a_, "{}");
  ASSERT_EQ(cred.status, 201) << cred.body;
  auto c = json::parse(cred.body);
  smsc_sim::test::SmppTestClient esme(smpp_port);
  ASSERT_EQ(esme.bind(smpp::CommandId::bind_transmitter, std::string(c.at("system_id").as_string()),
                      std::string(c.at("password").as_string())),
            0u);
  std::vector<std::uint32_t> answers;
  for (int i = 0; i < 3; ++i) {
    smpp::SubmitSm s;
    s.source_addr = "AGmbH";
    s.source_addr_ton = 5;
    s.destination_addr = premium(i).substr(1);
    s.dest_addr_ton = 1;
    s.dest_addr_npi = 1;
    s.short_message = "Gewinn!";
    auto resp = esme.call(s);
    ASSERT_TRUE(resp);
    answers.push_back(resp->command_status);
  }
  EXPECT_EQ(answers[0], 0u);
  EXPECT_EQ(answers[1], static_cast<std::uint32_t>(smpp::Status::submit_failed));
  EXPECT_EQ(answers[2], static_cast<std::uint32_t>(smpp::Status::submit_failed));
  auto held = held_sources();
  EXPECT_EQ(held.size(), 2u);
  EXPECT_EQ(held[premium(2)], "smpp");
  EXPECT_EQ(statuses()["accepted"], 1u);
}

TEST_F(PumpingOnEveryPath, EmailToSmsIsHeldAtDataNotAtRcpt) {
  start_guarded();
  const auto smtp_port = port_of("SMTP on 127.0.0.1:");
  ASSERT_NE(smtp_port, 0);
  std::string to;
  for (int i = 0; i < 3; ++i) to += (i ? "," : "") + ("0900123456" + std::to_string(i)) + "@sms.localhost";
  auto run = smtp::test::swaks(smtp_port, {"--to", to, "--from", "a@b.de", "--auth", "PLAIN",
                                           "--auth-user", tenant_a_, "--auth-password", a_,
                                           "--body", "Gewinn!"});
  EXPECT_EQ(run.exit_code, 0) << run.transcript;
  EXPECT_EQ(run.count("250 2.1.5"), 3u) << "RCPT does not count against the allowance: "
                                        << run.transcript;
  auto held = held_sources();
  EXPECT_EQ(held.size(), 2u) << "held once each, at DATA";
  EXPECT_EQ(held[premium(1)], "email");
  std::map<std::string, std::size_t> codes;
  auto st = statuses(&codes);
  EXPECT_EQ(st["accepted"], 1u);
  EXPECT_EQ(codes["held_for_review"], 2u);
}

TEST_F(PumpingOnEveryPath, CampaignRecipientsAreHeld) {
  // Marketing needs the number STOP replies reach.
  auto a = create_tenant("Tenant A");
  tenant_a_ = a.first;
  a_ = a.second;
  ASSERT_EQ(diskret({"number", "assign", "--tenant", tenant_a_, "--number", "12345"}).exit_code, 0);
  std::ofstream(config_, std::ios::app)
      << "[security]\npumping_unusual_per_hour = 1\n[campaigns]\nquiet_hours = \"off\"\n";
  port_ = start_server();
  ASSERT_NE(port_, 0);
  auto list = call("POST", "/v1/lists", a_, R"({"name":"Gewinner"})");
  ASSERT_EQ(list.status, 201) << list.body;
  const auto list_id = json::parse(list.body).at("id").to_number<std::uint64_t>();
  for (int i = 0; i < 3; ++i) {
    json::object body{{"phone", premium(i)},
                      {"lists", json::array{list_id}},
                      {"consent", json::object{{"purpose", "marketing"},
                                               {"source", "web_form"},
                                               {"wording", "Ja, Angebote per SMS."},
                                               {"obtained_at", "2024-03-01T10:00:00Z"}}}};
    auto contact = call("POST", "/v1/contacts", a_, json::serialize(body));
    ASSERT_EQ(contact.status, 201) << contact.body;
  }
  auto created = call("POST", "/v1/campaigns", a_,
                      json::serialize(json::object{{"name", "Pump"},
                                                   {"lists", json::array{list_id}},
                                                   {"from", "AGmbH"},
                                                   {"template", "Gewinn!"},
                                                   {"category", "marketing"},
                                                   {"rate_per_minute", 600}}));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/v1/campaigns/" + std::to_string(json::parse(created.body).at("id").to_number<std::uint64_t>());
  ASSERT_EQ(call("POST", path + "/start", a_).status, 200);
  std::map<std::string, std::string> held;
  for (int i = 0; i < 200 && held.size() < 2; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    held = held_sources();
  }
  ASSERT_EQ(held.size(), 2u);
  for (const auto& [to, source] : held) EXPECT_EQ(source, "campaign") << to;
  std::map<std::string, std::size_t> st;
  for (int i = 0; i < 100 && st["accepted"] + st["rejected"] < 3; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    st = statuses();
  }
  EXPECT_EQ(st["accepted"], 1u);
  EXPECT_EQ(st["rejected"], 2u);
}

TEST_F(PumpingOnEveryPath, DoubleOptInRequestsAreHeld) {
  start_guarded();
  for (int i = 0; i < 3; ++i) {
    auto r = call("POST", "/v1/contacts/double-opt-in", a_,
                  R"({"phone":")" + premium(i) + R"(","from":"AGmbH"})");
    ASSERT_EQ(r.status, 202) << r.body;
  }
  auto held = held_sources();
  EXPECT_EQ(held.size(), 2u) << "the confirmation request goes to any number the caller names";
  EXPECT_EQ(held[premium(2)], "api");
  std::map<std::string, std::size_t> codes;
  auto st = statuses(&codes);
  EXPECT_EQ(st["accepted"], 1u);
  EXPECT_EQ(codes["held_for_review"], 2u);
}

// With short links on, the content rules replace a link by the platform's own short link
// before the guard sees the text; the link check still judges the link as written.
TEST_F(PumpingOnEveryPath, LinkCheckSeesLinksBeforeTheyAreShortened) {
  // Links are shortened in marketing texts, which need the number STOP replies reach and
  // a consented recipient.
  auto a = create_tenant("Tenant A");
  tenant_a_ = a.first;
  a_ = a.second;
  ASSERT_EQ(diskret({"number", "assign", "--tenant", tenant_a_, "--number", "12345"}).exit_code, 0);
  std::ofstream(config_, std::ios::app) << "[links]\ndomain = \"go.diskret.test\"\n";
  port_ = start_server();
  ASSERT_NE(port_, 0);
  auto contact = call("POST", "/v1/contacts", a_,
                      R"({"phone":"+4915133333333","consent":{"purpose":"marketing","source":"web_form",)"
                      R"("wording":"Ja, Angebote per SMS.","obtained_at":"2024-03-01T10:00:00Z"}})");
  ASSERT_EQ(contact.status, 201) << contact.body;
  ASSERT_EQ(call("PUT", "/v1/abuse-settings", a_, R"({"link_check":true})").status, 200);
  auto settings = call("PATCH", "/v1/tenant", a_, R"({"short_links":true})");
  ASSERT_EQ(settings.status, 200) << settings.body;
  auto r = call("POST", "/v1/messages", a_,
                R"({"to":["+4915133333333"],"text":"Angebot: https://bit.ly/x1","from":"AGmbH","category":"marketing"})");
  ASSERT_EQ(r.status, 202) << r.body;
  auto m = json::parse(r.body).at("messages").at(0);
  EXPECT_EQ(m.at("status").as_string(), "rejected") << r.body;
  auto held = call("GET", "/v1/held-messages", a_);
  EXPECT_NE(held.body.find("url_shortener:bit.ly"), std::string::npos) << held.body;
  EXPECT_NE(held.body.find("go.diskret.test/"), std::string::npos)
      << "the text was not shortened, so this tested nothing: " << held.body;
}

}  // namespace
}  // namespace diskret::test
