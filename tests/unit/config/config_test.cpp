#include "config/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace diskret::config {
namespace {

Config parse_ok(std::string_view toml, const Environment& env = {}) {
  auto c = parse(toml, "diskret.toml", env);
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().detail);
  return c ? *c : Config{};
}

std::string parse_error(std::string_view toml, const Environment& env = {}) {
  auto c = parse(toml, "diskret.toml", env);
  EXPECT_FALSE(c.has_value());
  return c ? "" : c.error().detail;
}

TEST(Config, EveryKeyHasAWorkingDefault) {
  auto c = load(std::nullopt, {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->server.data_dir, "var");
  EXPECT_EQ(c->server.http_listen, "127.0.0.1:8080");
  EXPECT_EQ(c->server.smtp_listen, "127.0.0.1:2525");
  EXPECT_EQ(c->server.smpp_listen, "127.0.0.1:2776");
  EXPECT_EQ(c->server.sms_domain, "sms.localhost");
  EXPECT_EQ(c->store.url, "sqlite:var/diskret.db");
  EXPECT_EQ(c->keys.master_key_file, "var/master.key");
  EXPECT_TRUE(c->billing.enabled);
  EXPECT_EQ(c->billing.vault_url, "http://127.0.0.1:8443");
  EXPECT_EQ(c->billing.vault_secret_file, "var/vault.secret");
  EXPECT_EQ(c->api.max_recipients, 10'000u);
  ASSERT_EQ(c->smsc.size(), 1u);
  EXPECT_EQ(c->smsc[0].name, "carrier-a");
  EXPECT_EQ(c->smsc[0].host, "127.0.0.1");
  EXPECT_EQ(c->smsc[0].port, 2775);
  EXPECT_EQ(c->smsc[0].system_id, "diskret");
  EXPECT_EQ(c->smsc[0].password, "secret");
}

TEST(Config, PathDefaultsFollowDataDir) {
  auto c = parse_ok("[server]\ndata_dir = \"/tmp/x\"\n");
  EXPECT_EQ(c.store.url, "sqlite:/tmp/x/diskret.db");
  EXPECT_EQ(c.keys.master_key_file, "/tmp/x/master.key");
  EXPECT_EQ(c.billing.vault_secret_file, "/tmp/x/vault.secret");
}

TEST(Config, ExplicitPathsWinOverDataDir) {
  auto c = parse_ok(
      "[server]\ndata_dir = \"/tmp/x\"\n[store]\nurl = \"postgresql://u@h:5432/db\"\n"
      "[keys]\nmaster_key_file = \"/etc/diskret/master.key\"\n");
  EXPECT_EQ(c.store.url, "postgresql://u@h:5432/db");
  EXPECT_EQ(c.keys.master_key_file, "/etc/diskret/master.key");
}

TEST(Config, NodeLeaseHasADefaultAndBounds) {
  EXPECT_EQ(parse_ok("").store.node_lease_s, 30);
  EXPECT_EQ(parse_ok("[store]\nnode_lease_s = 6\n").store.node_lease_s, 6);
  EXPECT_NE(parse_error("[store]\nnode_lease_s = 1\n").find("[store].node_lease_s"),
            std::string::npos);
}

TEST(Config, ReadsTheSpecExample) {
  auto c = parse_ok(R"(
[server]
data_dir = "data"
http_listen = "0.0.0.0:9000"
smtp_listen = "127.0.0.1:2525"
smpp_listen = "127.0.0.1:2776"
sms_domain = "sms.example.com"
[billing]
enabled = false
vault_url = "https://vault:8443"
[[smsc]]
name = "carrier-a"
host = "10.0.0.1"
port = 2775
system_id = "diskret"
password = "secret"
binds = 2
window = 128
tps = 50
prefixes = ["+49", "+43"]
gsm_packing = "packed"
long_messages = "payload"
[[smsc]]
name = "carrier-b"
port = 2800
)");
  EXPECT_EQ(c.server.http_listen, "0.0.0.0:9000");
  EXPECT_FALSE(c.billing.enabled);
  ASSERT_EQ(c.smsc.size(), 2u);
  EXPECT_EQ(c.smsc[0].host, "10.0.0.1");
  EXPECT_EQ(c.smsc[0].binds, 2u);
  EXPECT_EQ(c.smsc[0].window, 128u);
  EXPECT_EQ(c.smsc[0].tps, 50u);
  EXPECT_EQ(c.smsc[0].prefixes, (std::vector<std::string>{"+49", "+43"}));
  EXPECT_EQ(c.smsc[0].gsm_packing, sms::GsmPacking::packed);
  EXPECT_EQ(c.smsc[0].long_messages, sms::Concatenation::payload);
  EXPECT_EQ(c.smsc[1].name, "carrier-b");
  EXPECT_EQ(c.smsc[1].port, 2800);
  EXPECT_EQ(c.smsc[1].long_messages, sms::Concatenation::udh8);
}

TEST(Config, OutOfRangeValueNamesTheKey) {
  EXPECT_EQ(parse_error("[[smsc]]\nwindow = 0\n"), "diskret.toml: [smsc][0].window: must be 1..10000");
  EXPECT_EQ(parse_error("[api]\nmax_recipients = 10001\n"),
            "diskret.toml: [api].max_recipients: must be 1..10000");
}

TEST(Config, WrongTypeNamesTheKey) {
  EXPECT_EQ(parse_error("[server]\nhttp_listen = 8080\n"),
            "diskret.toml: [server].http_listen: must be a string");
  EXPECT_EQ(parse_error("[billing]\nenabled = \"yes\"\n"),
            "diskret.toml: [billing].enabled: must be true or false");
  EXPECT_EQ(parse_error("[[smsc]]\nprefixes = \"+49\"\n"),
            "diskret.toml: [smsc][0].prefixes: must be an array of strings");
}

TEST(Config, UnknownKeysAndSectionsAreErrors) {
  EXPECT_EQ(parse_error("[server]\nhttp_listn = \"x:1\"\n"),
            "diskret.toml: [server].http_listn: unknown key");
  EXPECT_EQ(parse_error("[servre]\n"), "diskret.toml: [servre]: unknown section");
  EXPECT_EQ(parse_error("[[smsc]]\nwindw = 3\n"), "diskret.toml: [smsc][0].windw: unknown key");
}

TEST(Config, BadValuesAreErrors) {
  EXPECT_NE(parse_error("[server]\nhttp_listen = \"localhost\"\n").find("must be host:port"),
            std::string::npos);
  EXPECT_NE(parse_error("[store]\nurl = \"mysql://x\"\n").find("[store].url"), std::string::npos);
  EXPECT_EQ(parse_error("[[smsc]]\ngsm_packing = \"zipped\"\n"),
            "diskret.toml: [smsc][0].gsm_packing: must be unpacked|packed");
  EXPECT_EQ(parse_error("[[smsc]]\nlong_messages = \"sar\"\n"),
            "diskret.toml: [smsc][0].long_messages: must be udh|udh16|payload");
  EXPECT_NE(parse_error("[[smsc]]\nprefixes = [\"49\"]\n").find("E.164 prefixes"), std::string::npos);
  EXPECT_NE(parse_error("[[smsc]]\npassword = \"waytoolongpassword\"\n").find("at most 8"),
            std::string::npos);
  EXPECT_NE(parse_error("[[smsc]]\nname = \"a\"\n[[smsc]]\nname = \"a\"\n").find("used twice"),
            std::string::npos);
}

TEST(Config, CampaignQuietHours) {
  EXPECT_EQ(parse_error("[campaigns]\nquiet_hours = \"08:00-20:00\"\n").rfind(
                "diskret.toml: [campaigns].quiet_hours: must be", 0),
            0u);
  EXPECT_EQ(parse_error("[campaigns]\nquiet_hours = \"25:00-08:00\"\n").rfind(
                "diskret.toml: [campaigns].quiet_hours: must be", 0),
            0u);
  auto c = parse_ok("[campaigns]\nquiet_hours = \"off\"\nquiet_sundays = false\n");
  EXPECT_EQ(c.campaigns.quiet_hours, "off");
  EXPECT_FALSE(c.campaigns.quiet_sundays);
  EXPECT_EQ(parse_ok("").campaigns.quiet_hours, "20:00-08:00");
}

TEST(Config, SyntaxErrorGivesLineAndColumn) {
  auto e = parse_error("[server\n");
  EXPECT_EQ(e.rfind("diskret.toml:1:", 0), 0u) << e;
}

TEST(Config, EnvironmentOverridesTheFile) {
  Environment env{{"DISKRET_SERVER_HTTP_LISTEN", "127.0.0.1:9999"},
                  {"DISKRET_STORE_URL", "sqlite:/data/d.db"},
                  {"DISKRET_BILLING_ENABLED", "false"},
                  {"DISKRET_SMSC_0_PORT", "3000"},
                  {"DISKRET_SMSC_0_PREFIXES", "+49, +43"}};
  auto c = parse_ok("[server]\nhttp_listen = \"127.0.0.1:8000\"\n", env);
  EXPECT_EQ(c.server.http_listen, "127.0.0.1:9999");
  EXPECT_EQ(c.store.url, "sqlite:/data/d.db");
  EXPECT_FALSE(c.billing.enabled);
  EXPECT_EQ(c.smsc[0].port, 3000);
  EXPECT_EQ(c.smsc[0].prefixes, (std::vector<std::string>{"+49", "+43"}));
}

TEST(Config, BillingPricesAndThreshold) {
  auto c = parse_ok("[billing]\nprice_cents_per_segment = 9\ncountry_prices = [\"AT=12\", \"FR=0\"]\n"
                    "low_balance_cents = 100\n");
  EXPECT_EQ(c.billing.price_cents_per_segment, 9);
  EXPECT_EQ(c.billing.country_prices, (std::vector<std::string>{"AT=12", "FR=0"}));
  EXPECT_EQ(c.billing.low_balance_cents, 100);
  auto d = parse_ok("", {{"DISKRET_BILLING_COUNTRY_PRICES", "DE=9,CH=15"}});
  EXPECT_EQ(d.billing.country_prices, (std::vector<std::string>{"DE=9", "CH=15"}));
  EXPECT_EQ(parse_ok("").billing.price_cents_per_segment, 7);
  for (const char* bad : {"de=9", "DE:9", "DE=", "DE=9x", "DE=100001"}) {
    auto e = parse_error(std::string("[billing]\ncountry_prices = [\"") + bad + "\"]\n");
    EXPECT_EQ(e.rfind("diskret.toml: [billing].country_prices", 0), 0u) << bad << ": " << e;
  }
  EXPECT_EQ(parse_error("[billing]\nprice_cents_per_segment = -1\n").rfind(
                "diskret.toml: [billing].price_cents_per_segment", 0),
            0u);
}

TEST(Config, EnvironmentDataDirMovesDerivedPaths) {
  auto c = parse_ok("", {{"DISKRET_SERVER_DATA_DIR", "/srv/d"}});
  EXPECT_EQ(c.store.url, "sqlite:/srv/d/diskret.db");
  EXPECT_EQ(c.keys.master_key_file, "/srv/d/master.key");
}

TEST(Config, EnvironmentCanAddACarrier) {
  auto c = parse_ok("", {{"DISKRET_SMSC_1_NAME", "backup"}, {"DISKRET_SMSC_1_PORT", "2790"}});
  ASSERT_EQ(c.smsc.size(), 2u);
  EXPECT_EQ(c.smsc[1].name, "backup");
  EXPECT_EQ(c.smsc[1].port, 2790);
}

TEST(Config, BadEnvironmentValuesNameTheVariable) {
  EXPECT_EQ(parse_error("", {{"DISKRET_SMSC_0_WINDOW", "0"}}), "DISKRET_SMSC_0_WINDOW: must be 1..10000");
  EXPECT_EQ(parse_error("", {{"DISKRET_API_MAX_RECIPIENTS", "lots"}}),
            "DISKRET_API_MAX_RECIPIENTS: must be an integer");
  EXPECT_EQ(parse_error("", {{"DISKRET_SERVER_HTTP_LISTN", "x"}}),
            "DISKRET_SERVER_HTTP_LISTN: unknown setting");
  EXPECT_EQ(parse_error("", {{"DISKRET_SMSC_5_PORT", "1"}}), "DISKRET_SMSC_5_PORT: unknown setting");
}

TEST(Config, PipelineTuningHasDefaultsAndLimits) {
  auto c = parse_ok("[pipeline]\nmax_in_flight = 512\n", {{"DISKRET_PIPELINE_MAX_COMMIT_MESSAGES", "50000"}});
  EXPECT_EQ(c.pipeline.max_in_flight, 512u);
  EXPECT_EQ(c.pipeline.max_commit_messages, 50'000u);
  EXPECT_EQ(c.pipeline.max_queued_messages, 200'000u);
  EXPECT_EQ(parse_error("[pipeline]\nmax_commit_messages = 5\n"),
            "diskret.toml: [pipeline].max_commit_messages: must be 10000..1000000");
}

TEST(Config, SmtpSectionHasDefaultsAndChecksItsKeys) {
  auto c = parse_ok("");
  EXPECT_EQ(c.smtp.default_sender, "Diskret");
  EXPECT_TRUE(c.smtp.tls_cert_file.empty());
  EXPECT_TRUE(c.smtp.tls_key_file.empty());
  c = parse_ok("[smtp]\ndefault_sender = \"Praxis\"\ntls_cert_file = \"c.pem\"\ntls_key_file = \"k.pem\"\n");
  EXPECT_EQ(c.smtp.default_sender, "Praxis");
  EXPECT_EQ(c.smtp.tls_cert_file, "c.pem");
  EXPECT_EQ(c.smtp.tls_key_file, "k.pem");
  EXPECT_EQ(parse_ok("", {{"DISKRET_SMTP_DEFAULT_SENDER", "12345"}}).smtp.default_sender, "12345");
  EXPECT_NE(parse_error("[smtp]\ndefault_sender = \"Much Too Long Sender\"\n").find("[smtp].default_sender"),
            std::string::npos);
  EXPECT_NE(parse_error("[smtp]\ntls_cert_file = \"c.pem\"\n").find("tls_key_file"), std::string::npos);
  EXPECT_NE(parse_error("[smtp]\nport = 25\n").find("[smtp].port"), std::string::npos);
}

TEST(Config, TlsSectionServesEveryListenerAndCarriersChooseTls) {
  auto c = parse_ok("");
  EXPECT_TRUE(c.tls.cert_file.empty());
  EXPECT_EQ(c.tls.min_version, "1.2");
  EXPECT_TRUE(c.server.smpps_listen.empty());
  EXPECT_TRUE(c.server.https_listen.empty());
  EXPECT_FALSE(c.smsc.at(0).tls);
  EXPECT_TRUE(c.smsc.at(0).tls_verify);
  c = parse_ok(
      "[server]\nsmpps_listen = \"0.0.0.0:3550\"\nhttps_listen = \"0.0.0.0:8443\"\n[tls]\ncert_file = \"c.pem\"\nkey_file = "
      "\"k.pem\"\nmin_version = \"1.3\"\n[[smsc]]\ntls = true\ntls_ca_file = \"ca.pem\"\n");
  EXPECT_EQ(c.server.smpps_listen, "0.0.0.0:3550");
  EXPECT_EQ(c.server.https_listen, "0.0.0.0:8443");
  EXPECT_EQ(c.tls.min_version, "1.3");
  // SMTP STARTTLS uses the [tls] certificate unless [smtp] names its own.
  EXPECT_EQ(c.smtp.tls_cert_file, "c.pem");
  EXPECT_EQ(c.smtp.tls_key_file, "k.pem");
  EXPECT_TRUE(c.smsc.at(0).tls);
  EXPECT_EQ(c.smsc.at(0).tls_ca_file, "ca.pem");
  c = parse_ok("[tls]\ncert_file = \"c.pem\"\nkey_file = \"k.pem\"\n[smtp]\ntls_cert_file = "
               "\"s.pem\"\ntls_key_file = \"sk.pem\"\n",
               {{"DISKRET_SMSC_0_TLS_VERIFY", "false"}});
  EXPECT_EQ(c.smtp.tls_cert_file, "s.pem");
  EXPECT_FALSE(c.smsc.at(0).tls_verify);
  EXPECT_EQ(parse_error("[server]\nsmpps_listen = \"0.0.0.0:3550\"\n"),
            "diskret.toml: [server].smpps_listen: needs [tls] cert_file and key_file");
  EXPECT_EQ(parse_error("[server]\nhttps_listen = \"0.0.0.0:8443\"\n"),
            "diskret.toml: [server].https_listen: needs [tls] cert_file and key_file");
  EXPECT_NE(parse_error("[server]\nhttps_listen = \"nope\"\n").find("[server].https_listen"),
            std::string::npos);
  EXPECT_NE(parse_error("[tls]\ncert_file = \"c.pem\"\n").find("[tls].key_file"), std::string::npos);
  EXPECT_NE(parse_error("[tls]\nmin_version = \"1.1\"\n").find("[tls].min_version"),
            std::string::npos);
}

TEST(Config, SmtpBouncesAreOffUntilARelayAndTenantsAreNamed) {
  auto c = parse_ok("[server]\nsms_domain = \"sms.example.com\"\n");
  EXPECT_TRUE(c.smtp.relay_host.empty());
  EXPECT_TRUE(c.smtp.bounce_tenants.empty());
  EXPECT_EQ(c.smtp.relay_port, 25);
  EXPECT_EQ(c.smtp.bounce_from, "MAILER-DAEMON@sms.example.com");
  c = parse_ok("[smtp]\nrelay_host = \"127.0.0.1\"\nrelay_port = 2500\nbounce_tenants = [\"tn_a\"]\n"
               "bounce_from = \"bounces@example.com\"\n");
  EXPECT_EQ(c.smtp.relay_host, "127.0.0.1");
  EXPECT_EQ(c.smtp.relay_port, 2500);
  EXPECT_EQ(c.smtp.bounce_tenants, std::vector<std::string>{"tn_a"});
  EXPECT_EQ(c.smtp.bounce_from, "bounces@example.com");
  EXPECT_EQ(parse_error("[smtp]\nbounce_tenants = [\"tn_a\"]\n"),
            "diskret.toml: [smtp].bounce_tenants: needs relay_host");
  EXPECT_NE(parse_error("[smtp]\nbounce_from = \"a@b\\r\\nBcc: x@y\"\n").find("[smtp].bounce_from"),
            std::string::npos);
}

TEST(Config, LimitsAndSecuritySectionsHaveDefaultsAndCheckTheirKeys) {
  auto c = parse_ok("");
  EXPECT_EQ(c.limits.key_per_second, 0);
  EXPECT_EQ(c.limits.auth_failures_per_second, 10);
  EXPECT_EQ(c.limits.http_connections_per_ip, 1000);
  EXPECT_EQ(c.limits.smpp_bind_timeout, std::chrono::milliseconds{60'000});
  EXPECT_TRUE(c.security.contact.empty());
  EXPECT_EQ(c.security.pumping_unusual_per_hour, 5);
  c = parse_ok("[limits]\nkey_per_second = 200\nkey_burst = 1000\nsmtp_connections_per_ip = 3\n"
               "[security]\ncontact = [\"mailto:s@example.com\"]\nexpires = \"2027-06-30T00:00:00Z\"\n"
               "pumping_prefix_per_hour = 2000\n");
  EXPECT_EQ(c.limits.key_per_second, 200);
  EXPECT_EQ(c.limits.key_burst, 1000);
  EXPECT_EQ(c.limits.smtp_connections_per_ip, 3);
  EXPECT_EQ(c.security.contact, std::vector<std::string>{"mailto:s@example.com"});
  EXPECT_EQ(c.security.pumping_prefix_per_hour, 2000);
  EXPECT_EQ(parse_ok("", {{"DISKRET_LIMITS_IP_PER_SECOND", "50"}}).limits.ip_per_second, 50);
  EXPECT_NE(parse_error("[limits]\nkey_per_second = -1\n").find("[limits].key_per_second"), std::string::npos);
  EXPECT_NE(parse_error("[limits]\nper_ip = 5\n").find("[limits].per_ip"), std::string::npos);
  EXPECT_NE(parse_error("[security]\ncontact = [\"javascript:alert(1)\"]\n").find("[security].contact"),
            std::string::npos);
  EXPECT_NE(parse_error("[security]\nexpires = \"tomorrow\"\n").find("[security].expires"), std::string::npos);
  EXPECT_NE(parse_error("[security]\npolicy = \"http://x\"\n").find("[security].policy"), std::string::npos);
  // Held messages expire (72 h by default); tenants' own pumping allowances have bounds.
  EXPECT_EQ(c.security.held_expiry_hours, 72);
  EXPECT_EQ(c.security.pumping_unusual_per_hour_max, 100);
  c = parse_ok("[security]\nheld_expiry_hours = 24\npumping_prefix_per_hour_max = 500\n");
  EXPECT_EQ(c.security.held_expiry_hours, 24);
  EXPECT_EQ(c.security.pumping_prefix_per_hour_max, 500);
  EXPECT_NE(parse_error("[security]\nheld_expiry_hours = 0\n").find("[security].held_expiry_hours"),
            std::string::npos);
  EXPECT_NE(parse_error("[security]\npumping_prefix_per_hour_max = 0\n")
                .find("[security].pumping_prefix_per_hour_max"),
            std::string::npos);
}

TEST(Config, UnrelatedEnvironmentIsIgnored) {
  parse_ok("", {{"DISKRET_CONFIG", "x"}, {"DISKRET_BIN_DIR", "/x"}});
}

TEST(Config, LoadReadsAFileAndNamesIt) {
  auto path = std::filesystem::temp_directory_path() / "diskret_config_test.toml";
  {
    std::ofstream out(path);
    out << "[api]\nmax_connections = 0\n";
  }
  auto c = load(path, {});
  std::filesystem::remove(path);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().detail, "diskret_config_test.toml: [api].max_connections: must be 1..1000000");
  auto missing = load(std::filesystem::path("/nonexistent/diskret.toml"), {});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().detail.find("/nonexistent/diskret.toml"), std::string::npos);
}

}  // namespace
}  // namespace diskret::config
