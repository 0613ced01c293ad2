#include "vault/config.hpp"

#include <gtest/gtest.h>

namespace diskret::vault {
namespace {

TEST(VaultConfig, DefaultsFollowDataDir) {
  auto c = parse_vault_config("", "defaults", {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->data_dir, "var-vault");
  EXPECT_EQ(c->http_listen, "127.0.0.1:8443");
  EXPECT_EQ(c->master_key_file, "var-vault/master.key");
  EXPECT_EQ(c->service_secret_file, "var-vault/vault.secret");
  EXPECT_EQ(c->portal_origin, "http://127.0.0.1:8080");
  EXPECT_EQ(c->database_file(), "var-vault/vault.db");

  auto moved = parse_vault_config("[server]\ndata_dir = \"/srv/vault\"\n", "v.toml", {});
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->master_key_file, "/srv/vault/master.key");
}

TEST(VaultConfig, ReadsEveryKey) {
  auto c = parse_vault_config(R"(
[server]
data_dir = "d"
http_listen = "0.0.0.0:9443"
[keys]
master_key_file = "/keys/vault.key"
[vault]
portal_origin = "https://portal.example.com"
service_secret_file = "/keys/shared.secret"
card_rate_per_minute = 5
card_rate_burst = 3
)",
                              "v.toml", {});
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->http_listen, "0.0.0.0:9443");
  EXPECT_EQ(c->master_key_file, "/keys/vault.key");
  EXPECT_EQ(c->portal_origin, "https://portal.example.com");
  EXPECT_EQ(c->service_secret_file, "/keys/shared.secret");
  EXPECT_EQ(c->card_rate_per_minute, 5);
  EXPECT_EQ(c->card_rate_burst, 3);
}

TEST(VaultConfig, EnvironmentOverridesTheFile) {
  VaultEnvironment env{{"DISKRET_VAULT_SERVER_HTTP_LISTEN", "127.0.0.1:1"},
                       {"DISKRET_VAULT_VAULT_PORTAL_ORIGIN", "https://p.example"},
                       {"DISKRET_VAULT_VAULT_CARD_RATE_BURST", "7"}};
  auto c = parse_vault_config("[server]\nhttp_listen = \"127.0.0.1:2\"\n", "v.toml", env);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->http_listen, "127.0.0.1:1");
  EXPECT_EQ(c->portal_origin, "https://p.example");
  EXPECT_EQ(c->card_rate_burst, 7);
}

TEST(VaultConfig, ErrorsNameTheKey) {
  auto error = [](std::string_view toml, VaultEnvironment env = {}) {
    auto c = parse_vault_config(toml, "v.toml", env);
    return c ? std::string("<ok>") : c.error().message();
  };
  EXPECT_EQ(error("[server]\nport = 1\n"), "v.toml: [server].port: unknown key");
  EXPECT_EQ(error("[store]\nurl = \"x\"\n"), "v.toml: [store]: unknown section");
  EXPECT_EQ(error("[vault]\nportal_origin = \"https://p.example/path\"\n"),
            "v.toml: [vault].portal_origin: must be an origin such as "
            "https://portal.example.com (no path)");
  EXPECT_EQ(error("[vault]\nportal_origin = \"*\"\n").find("v.toml: [vault].portal_origin"), 0u);
  EXPECT_EQ(error("[server]\nhttp_listen = \"nowhere\"\n"),
            "v.toml: [server].http_listen: must be HOST:PORT");
  EXPECT_EQ(error("[server]\ndata_dir = 3\n"), "v.toml: [server].data_dir: must be a string");
  EXPECT_EQ(error("[vault]\ncard_rate_per_minute = 0\n"),
            "v.toml: [vault].card_rate_per_minute: must be 1..100000");
  EXPECT_EQ(error("", {{"DISKRET_VAULT_SERVER_PORT", "1"}}), "DISKRET_VAULT_SERVER_PORT: unknown setting");
  EXPECT_EQ(error("", {{"DISKRET_VAULT_VAULT_CARD_RATE_BURST", "x"}}),
            "DISKRET_VAULT_VAULT_CARD_RATE_BURST: must be an integer");
  EXPECT_EQ(error("[server\n").find("v.toml:1:"), 0u);
}

TEST(VaultConfig, OriginRules) {
  EXPECT_TRUE(valid_origin("http://127.0.0.1:8080"));
  EXPECT_TRUE(valid_origin("https://portal.example.com"));
  EXPECT_TRUE(valid_origin("http://[::1]:8080"));
  EXPECT_FALSE(valid_origin("https://"));
  EXPECT_FALSE(valid_origin("ftp://x"));
  EXPECT_FALSE(valid_origin("https://x/"));
  EXPECT_FALSE(valid_origin("https://x y"));
  EXPECT_FALSE(valid_origin("https://x'"));
  EXPECT_FALSE(valid_origin("https://u@x"));
}

TEST(VaultConfig, MissingFileIsAnError) {
  auto c = load_vault_config(std::filesystem::path("/nonexistent/vault.toml"), {});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message(), "cannot read config file /nonexistent/vault.toml");
}

}  // namespace
}  // namespace diskret::vault
