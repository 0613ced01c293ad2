// Content safeguards end to end (issue 12): `diskret serve` in a temp dir (billing off, no
// reachable carrier), one tenant made with the CLI. A card number is refused per recipient
// on POST /v1/messages, with 550 on email to SMS and ESME_RSUBMITFAIL on the SMPP server;
// nothing echoes the value; /metrics counts and the audit trail records the findings; the
// preview shows everything and stores nothing; PATCH /v1/tenant switches to masking.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <thread>

#include "../smsc_sim/smpp_test_client.hpp"
#include "integration/authz/diskret_fixture.hpp"
#include "integration/smtp/swaks.hpp"

namespace diskret::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::uint16_t leading_port(const std::optional<std::string>& line) {
  if (!line) return 0;
  return static_cast<std::uint16_t>(std::stoi(line->substr(0, line->find_first_not_of("0123456789"))));
}

constexpr const char* kCard = "4111 1111 1111 1111";
constexpr const char* kIbanDigits = "3704 0044 0532";  // of the IBAN in the mail below

// Whether `text` shows the first six digits of `value` (a card's issuer number), with or
// without its space. Four digits alone turn up by chance in ids and in the audit trail's
// hash chain: "3704" did, in one fresh-clone run.
bool shows(const std::string& text, std::string_view value) {
  std::string digits;
  for (char c : value) {
    if (c != ' ') digits.push_back(c);
  }
  return text.find(value.substr(0, 7)) != std::string::npos ||
         text.find(digits.substr(0, 6)) != std::string::npos;
}

class ContentTest : public DiskretFixture {
 protected:
  void SetUp() override {
    DiskretFixture::SetUp();
    if (HasFatalFailure()) return;
    std::ofstream(config_, std::ios::app) << "[links]\ndomain = \"sms.example.com\"\n";
    auto [tenant, key] = create_tenant("Laden GmbH");
    tenant_ = tenant;
    key_ = key;
    http_ = start_server();
    ASSERT_NE(http_, 0);
    smtp_ = leading_port(server_->wait_for(true, "SMTP on 127.0.0.1:", 5s));
    smpp_ = leading_port(server_->wait_for(true, "SMPP server on 127.0.0.1:", 5s));
    ASSERT_NE(smtp_, 0) << server_->err();
    ASSERT_NE(smpp_, 0) << server_->err();
  }

  RawResponse call(const std::string& method, const std::string& path, const std::string& body = {}) {
    RawClient client(http_);
    auto r = client.request(request(method, path, key_, body));
    EXPECT_TRUE(r);
    return r ? *r : RawResponse{};
  }
  static std::string send_body(const std::string& text) {
    return json::serialize(json::object{{"to", json::array{"0151 12345678", "0160 1234567"}},
                                        {"text", text},
                                        {"from", "Laden"}});
  }
  std::string metrics() {
    RawClient client(http_);
    auto r = client.request(request("GET", "/metrics", ""));
    return r ? r->body : std::string{};
  }

  std::string tenant_, key_;
  std::uint16_t http_ = 0, smtp_ = 0, smpp_ = 0;
};

TEST_F(ContentTest, EveryPathRefusesACardNumberAndNothingLeaks) {
  // API: every recipient rejected, reason names the kind only.
  auto sent = call("POST", "/v1/messages", send_body(std::string("Karte ") + kCard + " belastet"));
  ASSERT_EQ(sent.status, 202) << sent.body;
  EXPECT_FALSE(shows(sent.body, kCard));
  const auto messages = json::parse(sent.body).at("messages").as_array();
  ASSERT_EQ(messages.size(), 2u);
  for (const auto& m : messages) {
    EXPECT_EQ(m.at("status").as_string(), "rejected");
    EXPECT_EQ(m.at("error").at("code").as_string(), "sensitive_content");
  }
  // An order number and a phone number pass.
  auto fine = call("POST", "/v1/messages", send_body("Bestellung 1234567890123456, Fragen: +49 151 12345678"));
  ASSERT_EQ(fine.status, 202) << fine.body;
  EXPECT_EQ(json::parse(fine.body).at("messages").at(0).at("status").as_string(), "accepted");

  // Email to SMS: 550 with a sentence.
  auto mail = smtp::test::swaks(smtp_, {"--to", "015112345678@sms.localhost", "--from", "a@b.de",
                                        "--auth", "PLAIN", "--auth-user", tenant_, "--auth-password",
                                        key_, "--body", std::string("IBAN DE89 3704 0044 0532 0130 00")});
  EXPECT_TRUE(mail.replied("550 5.7.1")) << mail.transcript;
  EXPECT_NE(mail.transcript.find("sensitive content (iban)"), std::string::npos) << mail.transcript;

  // SMPP server: ESME_RSUBMITFAIL, no message id.
  auto credential = json::parse(call("POST", "/v1/smpp-credentials", "{}").body);
  smsc_sim::test::SmppTestClient tx(smpp_);
  ASSERT_EQ(tx.bind(smpp::CommandId::bind_transmitter,
                    std::string(credential.at("system_id").as_string()),
                    std::string(credential.at("password").as_string())),
            0u);
  smpp::SubmitSm submit;
  submit.source_addr = "Laden";
  submit.source_addr_ton = 5;
  submit.destination_addr = "4915112345678";
  submit.dest_addr_ton = 1;
  submit.dest_addr_npi = 1;
  submit.short_message = std::string("Karte ") + kCard;
  auto refused = tx.call(submit);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->command_status, static_cast<std::uint32_t>(smpp::Status::submit_failed));

  // /metrics counts, the audit trail records (queued, flushed about every second).
  const auto text = metrics();
  EXPECT_NE(text.find("diskret_dlp_findings_total{kind=\"card_number\",action=\"rejected\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("diskret_dlp_findings_total{kind=\"iban\",action=\"rejected\"} 1"),
            std::string::npos);
  std::string audit;
  for (int i = 0; i < 50; ++i) {
    audit = call("GET", "/v1/audit").body;
    if (audit.find("content.sensitive_found") != std::string::npos &&
        audit.find("system:smpp") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_NE(audit.find("content.sensitive_found"), std::string::npos) << audit;
  EXPECT_NE(audit.find("system:smtp"), std::string::npos) << audit;
  EXPECT_FALSE(shows(audit, kCard)) << audit;
  EXPECT_FALSE(shows(audit, kIbanDigits)) << audit;
  // The server's own logs never show the value either.
  EXPECT_EQ(server_->err().find("4111 1111"), std::string::npos);
}

TEST_F(ContentTest, PreviewStoresNothingAndMaskingIsATenantSetting) {
  auto preview = call("POST", "/v1/messages/preview",
                      send_body(std::string("\u201EIhre Karte\u201C ") + kCard));
  ASSERT_EQ(preview.status, 200) << preview.body;
  auto p = json::parse(preview.body).as_object();
  EXPECT_EQ(p.at("encoding").as_string(), "gsm7");
  EXPECT_EQ(p.at("dlp").at("action").as_string(), "rejected");
  EXPECT_EQ(p.at("smart_encoding").at("replacements").as_array().size(), 2u);
  EXPECT_FALSE(shows(preview.body, kCard));
  auto list = call("GET", "/v1/messages");
  EXPECT_EQ(json::parse(list.body).at("data").as_array().size(), 0u) << "a preview stores nothing";

  auto patched = call("PATCH", "/v1/tenant", R"({"dlp_policy":"mask"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto masked = call("POST", "/v1/messages/preview", send_body(std::string("Karte ") + kCard));
  EXPECT_EQ(json::parse(masked.body).at("text").as_string(), "Karte **** **** **** 1111");
  auto sent = call("POST", "/v1/messages", send_body(std::string("Karte ") + kCard));
  ASSERT_EQ(sent.status, 202);
  EXPECT_EQ(json::parse(sent.body).at("messages").at(0).at("status").as_string(), "accepted");
  auto tenant = json::parse(call("GET", "/v1/tenant").body);
  EXPECT_EQ(tenant.at("dlp_policy").as_string(), "mask");
  EXPECT_EQ(tenant.at("smart_encoding").as_bool(), true);
}

TEST_F(ContentTest, CampaignShowsItsCostEstimateBeforeStart) {
  auto list = call("POST", "/v1/lists", R"({"name":"Kunden"})");
  ASSERT_EQ(list.status, 201) << list.body;
  const auto list_id = json::parse(list.body).at("id").to_number<std::uint64_t>();
  for (int i = 0; i < 6; ++i) {
    json::object body{{"phone", "+4915120000" + std::to_string(100 + i)},
                      {"lists", json::array{list_id}},
                      // Two need UCS-2 and two segments: Cyrillic and longer than 70.
                      {"first_name", i < 2 ? "Юлия" + std::string(70, 'x') : std::string("Anna")}};
    auto c = call("POST", "/v1/contacts", json::serialize(body));
    ASSERT_EQ(c.status, 201) << c.body;
  }
  auto created = call("POST", "/v1/campaigns",
                      json::serialize(json::object{{"name", "Termin"},
                                                   {"lists", json::array{list_id}},
                                                   {"from", "Laden"},
                                                   {"category", "transactional"},
                                                   {"template", "Hallo {{first_name}}"},
                                                   {"send_at_local", "2030-12-01T09:00"}}));
  ASSERT_EQ(created.status, 201) << created.body;
  auto c = json::parse(created.body).as_object();
  EXPECT_EQ(c.at("send_at_local").as_string(), "2030-12-01T09:00");
  const auto id = std::to_string(c.at("id").to_number<std::uint64_t>());
  json::object estimate;
  for (int i = 0; i < 100; ++i) {
    estimate = json::parse(call("GET", "/v1/campaigns/" + id).body).at("estimate").as_object();
    if (estimate.at("status").as_string() == "ready") break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(estimate.at("status").as_string(), "ready") << json::serialize(estimate);
  EXPECT_EQ(estimate.at("recipients").to_number<int>(), 6);
  EXPECT_EQ(estimate.at("rejected").to_number<int>(), 0);
  EXPECT_EQ(estimate.at("encodings").at("ucs2").to_number<int>(), 2);
  EXPECT_EQ(estimate.at("encodings").at("gsm7").to_number<int>(), 4);
  EXPECT_EQ(estimate.at("segments").to_number<int>(), 4 + 2 * 2);
  EXPECT_EQ(estimate.at("cost_cents").to_number<int>(), 8 * 7);  // default 7 cents a segment
}

TEST_F(ContentTest, ShortLinksRedirectOnlyToTheStoredTarget) {
  ASSERT_EQ(call("PATCH", "/v1/tenant", R"({"short_links":true})").status, 200);
  // Marketing needs an opt-out instruction (this tenant has no inbound number to add one).
  auto p = json::parse(call("POST", "/v1/messages/preview",
                            json::serialize(json::object{{"to", "0151 12345678"},
                                                         {"text", "Sale https://shop.example/s?a=1 Abmelden: STOP"},
                                                         {"from", "Laden"},
                                                         {"category", "marketing"},
                                                         })).body);
  const auto& rewritten = p.at("links").at("rewritten").as_array();
  ASSERT_EQ(rewritten.size(), 1u) << json::serialize(p);
  EXPECT_EQ(rewritten.at(0).at("url").as_string(), "https://shop.example/s?a=1");
  EXPECT_EQ(std::string(rewritten.at(0).at("short").as_string()).rfind("https://sms.example.com/l/", 0), 0u);
  // Unknown codes and redirect attempts through the query string go nowhere.
  EXPECT_EQ(call("GET", "/l/AAAAAAAA?to=https://evil.example").status, 404);
  EXPECT_EQ(call("GET", "/l/..%2F..%2Fevil").status, 404);
}

// Per-recipient click tracking (issue 12) through the real server: off, texts keep the
// aggregate code and nothing is kept per person; on (with the consent purpose), each
// recipient gets a code of its own, a click is listed per recipient, is in the person's
// export and goes with their erasure.
class ClickTrackingTest : public ContentTest {
 protected:
  void SetUp() override {
    ContentTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_EQ(call("PATCH", "/v1/tenant", R"({"short_links":true})").status, 200);
    for (const char* phone : {"0151 12345678", "0160 1234567"}) {
      auto c = call("POST", "/v1/contacts",
                    std::string(R"({"phone":")") + phone +
                        R"(","consent":{"source":"web_form","wording":"Ja, Angebote per SMS",)"
                        R"("obtained_at":"2024-01-01T10:00:00Z"}})");
      ASSERT_EQ(c.status, 201) << c.body;
    }
  }
  void send_marketing() {
    auto r = call("POST", "/v1/messages",
                  json::serialize(json::object{{"to", json::array{"0151 12345678", "0160 1234567"}},
                                               {"text", "Sale https://shop.example/s Abmelden: STOP"},
                                               {"from", "Laden"},
                                               {"category", "marketing"}}));
    ASSERT_EQ(r.status, 202) << r.body;
  }
  json::object export_of(const std::string& phone) {
    auto r = call("POST", "/v1/privacy/exports", R"({"phone":")" + phone + R"("})");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body).as_object() : json::object{};
  }
  // The short link code in the text of the person's (only) message.
  std::string code_sent_to(const std::string& phone) {
    auto doc = export_of(phone);
    const auto* sent = doc.if_contains("messages_sent");
    if (!sent || sent->as_array().empty()) return {};
    const std::string text(sent->as_array().back().at("text").as_string());
    const auto at = text.find("/l/");
    return at == std::string::npos ? std::string() : text.substr(at + 3, 8);
  }
  std::string link_code() {
    auto links = json::parse(call("GET", "/v1/short-links").body);
    return std::string(links.at("data").at(0).at("code").as_string());
  }
  json::array per_recipient(const std::string& link) {
    auto r = call("GET", "/v1/short-links/" + link + "/clicks?per_recipient=true");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).at("data").as_array();
  }
};

TEST_F(ClickTrackingTest, WithoutTheSettingClicksStayAggregate) {
  send_marketing();
  const auto anna = code_sent_to("+4915112345678");
  const auto ben = code_sent_to("+491601234567");
  ASSERT_EQ(anna.size(), 8u);
  EXPECT_EQ(anna, ben) << "recipients got codes of their own without the setting";
  EXPECT_EQ(anna, link_code());
  EXPECT_EQ(call("GET", "/l/" + anna).status, 302);
  EXPECT_TRUE(per_recipient(anna).empty());
  EXPECT_TRUE(export_of("+4915112345678").at("link_clicks").as_array().empty());
}

TEST_F(ClickTrackingTest, WithConsentPurposeClicksArePerRecipientExportedAndErased) {
  ASSERT_EQ(call("PATCH", "/v1/tenant", R"({"click_tracking":true})").status, 422);
  ASSERT_EQ(call("PATCH", "/v1/tenant",
                 R"({"click_tracking":true,"click_tracking_purpose":"Interesse an Angeboten"})")
                .status,
            200);
  send_marketing();
  const auto link = link_code();
  const auto anna = code_sent_to("+4915112345678");
  const auto ben = code_sent_to("+491601234567");
  ASSERT_EQ(anna.size(), 8u);
  ASSERT_EQ(ben.size(), 8u);
  EXPECT_NE(anna, ben);
  EXPECT_NE(anna, link);
  auto redirect = call("GET", "/l/" + anna);
  EXPECT_EQ(redirect.status, 302);
  EXPECT_EQ(redirect.header("Location"), "https://shop.example/s");
  auto clicks = per_recipient(link);
  ASSERT_EQ(clicks.size(), 1u);
  EXPECT_EQ(clicks.at(0).at("recipient").as_string(), "+4915112345678");
  auto days = json::parse(call("GET", "/v1/short-links/" + link + "/clicks").body);
  EXPECT_EQ(days.at("data").at(0).at("clicks").as_int64(), 1) << "the aggregate misses it";
  auto exported = export_of("+4915112345678").at("link_clicks").as_array();
  ASSERT_EQ(exported.size(), 1u);
  EXPECT_EQ(exported.at(0).at("link").as_string(), "https://shop.example/s");
  EXPECT_TRUE(export_of("+491601234567").at("link_clicks").as_array().empty());
  // Erasure: the person's clicks go; the day's aggregate count stays.
  auto erased = call("POST", "/v1/privacy/erasures", R"({"phone":"+4915112345678"})");
  ASSERT_EQ(erased.status, 200) << erased.body;
  EXPECT_TRUE(per_recipient(link).empty());
  EXPECT_EQ(call("GET", "/l/" + anna).status, 404) << "an erased person's code still resolves";
}

}  // namespace
}  // namespace diskret::test
