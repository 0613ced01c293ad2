#include "smpp_server/credentials_api.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>

#include "unit/api/in_memory_services.hpp"
#include "unit/smpp_server/memory_credential_store.hpp"

namespace diskret::smpp_server {
namespace {
namespace json = boost::json;

class CredentialsApiTest : public ::testing::Test {
 protected:
  CredentialsApiTest() {
    tenants_.add_tenant(pipeline::TenantId{1}, {});
    tenants_.add_tenant(pipeline::TenantId{2}, {});
    tenants_.add_key("key-owner", pipeline::TenantId{1}, tenancy::Role::owner);
    tenants_.add_key("key-sender", pipeline::TenantId{1}, tenancy::Role::sender);
    tenants_.add_key("key-other", pipeline::TenantId{2}, tenancy::Role::owner);
    api_.add_routes(router_);
  }

  http::Response call(std::string method, std::string path, std::string key,
                      std::string body = {}) {
    http::Request r;
    r.method = std::move(method);
    r.target = path;
    r.path = std::move(path);
    r.headers = {{"Authorization", "Bearer " + key}};
    r.body = std::move(body);
    std::promise<http::Response> answer;
    auto result = answer.get_future();
    router_.handler()(std::move(r),
                      [&answer](http::Response&& res) { answer.set_value(std::move(res)); });
    return result.get();
  }

  api::test::InMemoryTenants tenants_;
  test::MemoryCredentialStore store_;
  FakeClock clock_;
  CredentialService service_{store_, crypto::SecretKey::generate(), clock_};
  CredentialsApi api_{service_, tenants_, clock_};
  http::Router router_;
};

TEST_F(CredentialsApiTest, CreateShowsPasswordOnceListHidesItRevokeWorks) {
  auto created = call("POST", "/v1/smpp-credentials", "key-owner", R"({"window": 10, "tps": 50})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto o = json::parse(created.body).as_object();
  const std::string system_id(o.at("system_id").as_string());
  const std::string password(o.at("password").as_string());
  EXPECT_EQ(password.size(), kPasswordLength);
  EXPECT_EQ(o.at("tps").as_int64(), 50);
  EXPECT_TRUE(service_.verify(system_id, password));

  auto listed = call("GET", "/v1/smpp-credentials", "key-owner");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body.find(password), std::string::npos);
  EXPECT_NE(listed.body.find(system_id), std::string::npos);
  // Another tenant sees none of them and cannot revoke them.
  auto other = call("GET", "/v1/smpp-credentials", "key-other");
  EXPECT_EQ(other.body.find(system_id), std::string::npos);
  EXPECT_EQ(call("DELETE", "/v1/smpp-credentials/" + system_id, "key-other").status, 404);

  EXPECT_EQ(call("DELETE", "/v1/smpp-credentials/" + system_id, "key-owner").status, 204);
  EXPECT_FALSE(service_.verify(system_id, password));
  EXPECT_EQ(call("DELETE", "/v1/smpp-credentials/" + system_id, "key-owner").status, 404);
}

TEST_F(CredentialsApiTest, RefusesSendersBadKeysAndBadBodies) {
  EXPECT_EQ(call("POST", "/v1/smpp-credentials", "key-sender").status, 403);
  EXPECT_EQ(call("POST", "/v1/smpp-credentials", "no-such-key").status, 401);
  EXPECT_EQ(call("POST", "/v1/smpp-credentials", "key-owner", "{").status, 400);
  EXPECT_EQ(call("POST", "/v1/smpp-credentials", "key-owner", R"({"tps": -1})").status, 422);
  EXPECT_EQ(call("POST", "/v1/smpp-credentials", "key-owner", R"({"colour": 1})").status, 422);
  EXPECT_TRUE(store_.rows_.empty());
  EXPECT_EQ(call("POST", "/v1/smpp-credentials", "key-owner").status, 201);
}

}  // namespace
}  // namespace diskret::smpp_server
