// A portal session and a login lockout outlive a restart of `diskret serve`; the database
// holds neither the session token nor the CSRF token; logout everywhere still ends it.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "integration/authz/diskret_fixture.hpp"

namespace diskret::test {
namespace {

namespace json = boost::json;

class PortalRestart : public DiskretFixture {
 protected:
  RawResponse call(const std::string& method, const std::string& path, const std::string& body,
                   const std::vector<std::string>& headers = {}, const std::string& key = {}) {
    std::string raw = request(method, path, key, body);
    std::string extra;
    for (const auto& h : headers) extra += h + "\r\n";
    raw.insert(raw.find("\r\n") + 2, extra);
    RawClient client(port_);
    auto r = client.request(raw);
    EXPECT_TRUE(r) << method << " " << path << ": no answer";
    return r.value_or(RawResponse{});
  }
  std::string database_bytes() {
    std::string all;
    for (const auto& name : {"/var/diskret.db", "/var/diskret.db-wal"}) {
      std::ifstream in(dir_ + name, std::ios::binary);
      all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return all;
  }

  std::uint16_t port_ = 0;
};

TEST_F(PortalRestart, SessionAndLockoutSurviveARestart) {
  auto [tenant, owner] = create_tenant("Restart GmbH");
  port_ = start_server();
  ASSERT_NE(port_, 0);
  const std::string password = "ein-langes-Passwort-42";
  ASSERT_EQ(call("POST", "/v1/users",
                 R"({"email":"anna@restart.example","role":"admin","password":")" + password + "\"}",
                 {}, owner)
                .status,
            201);
  auto login = call("POST", "/v1/session",
                    R"({"account":")" + tenant + R"(","email":"anna@restart.example","password":")" +
                        password + "\"}");
  ASSERT_EQ(login.status, 201) << login.body;
  const std::string set_cookie = login.header("Set-Cookie");
  const std::string token = set_cookie.substr(set_cookie.find('=') + 1,
                                              set_cookie.find(';') - set_cookie.find('=') - 1);
  const std::string cookie = "Cookie: diskret_session=" + token;
  const std::string csrf(json::parse(login.body).at("csrf_token").as_string());
  ASSERT_GE(token.size(), 40u);
  // Someone guessing Bert's password: locked after 5 failures.
  const std::string wrong = R"({"account":")" + tenant +
                            R"(","email":"bert@restart.example","password":"falsch-falsch-1"})";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(call("POST", "/v1/session", wrong).status, 401) << i;
  EXPECT_EQ(call("POST", "/v1/session", wrong).status, 429);

  server_.reset();  // stop
  const std::string bytes = database_bytes();
  ASSERT_GT(bytes.size(), 0u);
  EXPECT_EQ(bytes.find(token), std::string::npos) << "the cookie token is in the database";
  EXPECT_EQ(bytes.find(csrf), std::string::npos) << "the CSRF token is in the database";
  port_ = start_server();
  ASSERT_NE(port_, 0);

  auto me = call("GET", "/v1/session", "", {cookie});
  ASSERT_EQ(me.status, 200) << "the session did not survive the restart: " << me.body;
  auto who = json::parse(me.body);
  EXPECT_EQ(who.at("kind").as_string(), "session");
  EXPECT_EQ(who.at("email").as_string(), "anna@restart.example");
  EXPECT_EQ(who.at("role").as_string(), "admin");
  EXPECT_EQ(who.at("csrf_token").as_string(), csrf);
  EXPECT_EQ(call("GET", "/v1/users", "", {cookie}).status, 200) << "it authorises /v1";
  EXPECT_EQ(call("POST", "/v1/session", wrong).status, 429) << "the lockout was forgotten";

  EXPECT_EQ(call("DELETE", "/v1/sessions", "", {cookie, "X-CSRF-Token: wrong"}).status, 403);
  auto ended = call("DELETE", "/v1/sessions", "", {cookie, "X-CSRF-Token: " + csrf});
  EXPECT_EQ(ended.status, 200) << ended.body;
  EXPECT_EQ(call("GET", "/v1/session", "", {cookie}).status, 401);
  server_.reset();
  port_ = start_server();
  ASSERT_NE(port_, 0);
  EXPECT_EQ(call("GET", "/v1/session", "", {cookie}).status, 401) << "logout everywhere came back";
}

}  // namespace
}  // namespace diskret::test
