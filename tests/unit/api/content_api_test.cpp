// Content safeguards (issue 12) through the Router with in-memory services: DLP on
// POST /v1/messages (reject per recipient, mask, false positives), smart encoding, the
// content keys of GET/PATCH /v1/tenant and POST /v1/messages/preview (nothing sent or
// stored).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>

#include "api/api.hpp"
#include "api/content_send_policy.hpp"
#include "api/links_api.hpp"
#include "api/preview_api.hpp"
#include "api/tenant_api.hpp"
#include "http/router.hpp"
#include "unit/api/in_memory_services.hpp"

namespace diskret::api {
namespace {

namespace json = boost::json;
using pipeline::TenantId;

constexpr TenantId kAcme{1};

class ContentApiTest : public ::testing::Test {
 protected:
  ContentApiTest() {
    tenants_.add_tenant(kAcme, {});
    tenants_.add_key("key-owner", kAcme, tenancy::Role::owner);
    tenants_.add_key("key-viewer", kAcme, tenancy::Role::viewer);
    api_.set_send_policy(&policy_);
    tenant_api_.set_content(&content_);
    api_.add_routes(router_);
    preview_api_.add_routes(router_);
    tenant_api_.add_routes(router_);
  }

  http::Response call(std::string method, std::string path, std::string body = {},
                      std::string key = "key-owner") {
    http::Request r;
    r.method = std::move(method);
    r.target = path;
    const auto q = path.find('?');
    r.path = path.substr(0, q);
    if (q != std::string::npos) r.query = path.substr(q + 1);
    r.headers = {{"Authorization", "Bearer " + key}};
    r.body = std::move(body);
    auto promise = std::make_shared<std::promise<http::Response>>();
    auto answered = promise->get_future();
    router_.handler(nullptr)(std::move(r), [promise](http::Response&& res) {
      promise->set_value(std::move(res));
    });
    if (answered.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << "no response";
      return {};
    }
    return answered.get();
  }
  static json::object parse(const http::Response& r) { return json::parse(r.body).as_object(); }
  static std::string send_body(std::string_view text) {
    return json::serialize(json::object{{"to", json::array{"0151 23456789", "0160 1234567"}},
                                        {"text", text},
                                        {"from", "Diskret"}});
  }

  FakeClock clock_;
  test::InMemoryPipeline pipeline_;
  test::InMemoryTenants tenants_;
  content::MemoryContentSettingsStore content_store_;
  content::ContentService content_{content_store_, clock_};
  ContentSendPolicy policy_{nullptr, content_, "api"};
  Api api_{pipeline_, tenants_, clock_};
  PreviewApi preview_api_{{tenants_, content_, billing::PriceTable(7), nullptr}, clock_};
  TenantApi tenant_api_{tenants_, clock_};
  http::Router router_;
};

TEST_F(ContentApiTest, CardNumberRejectsEveryRecipientNamingTheKindOnly) {
  auto r = call("POST", "/v1/messages", send_body("Ihre Karte 4111 1111 1111 1111 ist aktiv"));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.body.find("4111"), std::string::npos);
  auto messages = parse(r).at("messages").as_array();
  ASSERT_EQ(messages.size(), 2u);
  for (const auto& m : messages) {
    EXPECT_EQ(m.at("status").as_string(), "rejected");
    EXPECT_EQ(m.at("error").at("code").as_string(), "sensitive_content");
    EXPECT_NE(std::string(m.at("error").at("detail").as_string()).find("card_number"),
              std::string::npos);
  }
  ASSERT_EQ(pipeline_.stored.size(), 2u);
  for (const auto& s : pipeline_.stored) EXPECT_EQ(s.message.text, "");  // value never stored
  EXPECT_EQ(content_.guard().count(dlp::Kind::card_number, dlp::Action::rejected), 1u);
}

TEST_F(ContentApiTest, OrderAndPhoneNumbersDatesAndAmountsPass) {
  for (const char* text : {"Bestellung 1234567890123456 ist unterwegs.",
                           "Rückruf unter +49 151 12345678 oder 0151 1234 5678",
                           "Termin 2026-12-01 09:00, Betrag 1.234,56 EUR",
                           "Sendung 00340434161234567890 zugestellt"}) {
    auto r = call("POST", "/v1/messages", send_body(text));
    ASSERT_EQ(r.status, 202) << r.body;
    const auto messages = parse(r).at("messages").as_array();
    for (const auto& m : messages) {
      EXPECT_EQ(m.at("status").as_string(), "accepted") << text;
    }
  }
}

TEST_F(ContentApiTest, MaskPolicyKeepsTheLastFourAndIbansToo) {
  auto patched = call("PATCH", "/v1/tenant", R"({"dlp_policy":"mask"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(parse(patched).at("dlp_policy").as_string(), "mask");
  auto r = call("POST", "/v1/messages", send_body("IBAN DE89 3704 0044 0532 0130 00"));
  ASSERT_EQ(r.status, 202) << r.body;
  ASSERT_EQ(pipeline_.stored.size(), 2u);
  EXPECT_EQ(pipeline_.stored[0].message.text, "IBAN **** **** **** **** **30 00");
  EXPECT_EQ(pipeline_.stored[0].view.status, pipeline::MessageStatus::accepted);
}

TEST_F(ContentApiTest, SmartEncodingKeepsTypographicTextGsm7UnlessSwitchedOff) {
  auto r = call("POST", "/v1/messages", send_body("\u201EDanke\u201C \u2013 bis bald\u2026"));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(parse(r).at("messages").at(0).at("encoding").as_string(), "gsm7");
  EXPECT_EQ(pipeline_.stored[0].message.text, "\"Danke\" - bis bald...");
  ASSERT_EQ(call("PATCH", "/v1/tenant", R"({"smart_encoding":false})").status, 200);
  auto off = call("POST", "/v1/messages", send_body("\u201EDanke\u201C"));
  EXPECT_EQ(parse(off).at("messages").at(0).at("encoding").as_string(), "ucs2");
}

TEST_F(ContentApiTest, TenantPatternsAreValidatedAndShown) {
  auto bad = call("PATCH", "/v1/tenant", R"({"dlp_patterns":[{"name":"kd","regex":"(["}]})");
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_NE(bad.body.find("dlp_patterns"), std::string::npos);
  EXPECT_NE(bad.body.find("\\\"kd\\\" does not compile"), std::string::npos) << bad.body;
  EXPECT_EQ(call("PATCH", "/v1/tenant", R"({"dlp_policy":"drop"})").status, 422);
  EXPECT_EQ(call("PATCH", "/v1/tenant", R"({"dlp_policy":"mask"})", "key-viewer").status, 403);
  auto ok = call("PATCH", "/v1/tenant",
                 R"({"display_name":"Acme","dlp_patterns":[{"name":"kd","regex":"KD-\\d{6}"}]})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto shown = parse(call("GET", "/v1/tenant"));
  EXPECT_EQ(shown.at("display_name").as_string(), "Acme");
  EXPECT_EQ(shown.at("dlp_patterns").at(0).at("name").as_string(), "kd");
  EXPECT_EQ(shown.at("smart_encoding").as_bool(), true);
  EXPECT_EQ(shown.at("dlp_policy").as_string(), "reject");
  auto r = call("POST", "/v1/messages", send_body("Kundennummer KD-123456"));
  EXPECT_EQ(parse(r).at("messages").at(0).at("error").at("detail").as_string().find("custom:kd") !=
                std::string::npos,
            true)
      << r.body;
}

TEST_F(ContentApiTest, TenantSwitchesBounceEmailsItselfAudited) {
  std::vector<content::SettingsChange> audited;
  content_.set_change_audit([&](const content::SettingsChange& c) { audited.push_back(c); });
  EXPECT_EQ(parse(call("GET", "/v1/tenant")).at("bounce_emails").as_bool(), false);
  EXPECT_EQ(call("PATCH", "/v1/tenant", R"({"bounce_emails":"yes"})").status, 422);
  EXPECT_EQ(call("PATCH", "/v1/tenant", R"({"bounce_emails":true})", "key-viewer").status, 403);
  EXPECT_TRUE(audited.empty());
  auto on = call("PATCH", "/v1/tenant", R"({"bounce_emails":true})");
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_EQ(parse(on).at("bounce_emails").as_bool(), true);
  EXPECT_EQ(parse(call("GET", "/v1/tenant")).at("bounce_emails").as_bool(), true);
  EXPECT_TRUE(content_.settings(kAcme.value)->bounce_emails);
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_NE(audited[0].details_json.find("\"bounce_emails\":true"), std::string::npos)
      << audited[0].details_json;
  ASSERT_EQ(call("PATCH", "/v1/tenant", R"({"bounce_emails":false})").status, 200);
  EXPECT_FALSE(content_.settings(kAcme.value)->bounce_emails);
  EXPECT_EQ(audited.size(), 2u);
}

TEST_F(ContentApiTest, PerRecipientClickTrackingNeedsARecordedPurposeAndIsAudited) {
  std::vector<content::SettingsChange> audited;
  content_.set_change_audit([&](const content::SettingsChange& c) { audited.push_back(c); });
  auto shown = parse(call("GET", "/v1/tenant"));
  EXPECT_EQ(shown.at("click_tracking").as_bool(), false);
  EXPECT_EQ(shown.at("click_tracking_purpose").as_string(), "");
  auto bare = call("PATCH", "/v1/tenant", R"({"click_tracking":true})");
  EXPECT_EQ(bare.status, 422) << bare.body;
  EXPECT_NE(bare.body.find("click_tracking_purpose"), std::string::npos);
  EXPECT_EQ(call("PATCH", "/v1/tenant", R"({"click_tracking":true,"click_tracking_purpose":"  "})")
                .status,
            422);
  EXPECT_TRUE(audited.empty());
  EXPECT_FALSE(content_.settings(kAcme.value)->click_tracking);
  auto on = call("PATCH", "/v1/tenant",
                 R"({"click_tracking":true,"click_tracking_purpose":"Interesse an Angeboten messen"})");
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_EQ(parse(on).at("click_tracking_purpose").as_string(), "Interesse an Angeboten messen");
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_NE(audited[0].details_json.find(
                "\"click_tracking\":true,\"click_tracking_purpose\":\"Interesse an Angeboten messen\""),
            std::string::npos)
      << audited[0].details_json;
  // Other settings can change later without repeating the purpose.
  EXPECT_EQ(call("PATCH", "/v1/tenant", R"({"short_links":true})").status, 200);
  EXPECT_TRUE(content_.settings(kAcme.value)->click_tracking);
}

TEST_F(ContentApiTest, PreviewShowsEverythingAndStoresNothing) {
  auto r = call("POST", "/v1/messages/preview",
                send_body("\u201EHallo\u201C, Karte 4242 4242 4242 4242"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = parse(r);
  EXPECT_EQ(o.at("encoding").as_string(), "gsm7");
  EXPECT_EQ(o.at("segments").as_int64(), 1);
  EXPECT_EQ(o.at("characters").as_int64(), 34);
  EXPECT_EQ(o.at("characters_left").as_int64(), 160 - 34);
  EXPECT_EQ(o.at("dlp").at("action").as_string(), "rejected");
  const auto& finding = o.at("dlp").at("findings").at(0);
  EXPECT_EQ(finding.at("kind").as_string(), "card_number");
  EXPECT_EQ(finding.at("offset").as_int64(), 15);
  EXPECT_EQ(finding.at("length").as_int64(), 19);
  EXPECT_EQ(o.at("smart_encoding").at("replacements").as_array().size(), 2u);
  EXPECT_EQ(o.at("smart_encoding").at("replacements").at(0).at("from").as_string(), "U+201E");
  EXPECT_EQ(o.at("recipients").at(0).at("status").as_string(), "rejected");
  EXPECT_EQ(o.at("price").at("total_cents").as_int64(), 0);
  EXPECT_EQ(r.body.find("4242"), std::string::npos);
  EXPECT_TRUE(pipeline_.stored.empty());
  EXPECT_EQ(pipeline_.commits, 0u);
  // Previews are not findings: nothing counted.
  EXPECT_EQ(content_.guard().count(dlp::Kind::card_number, dlp::Action::rejected), 0u);

  auto clean = parse(call("POST", "/v1/messages/preview", send_body(std::string(170, 'a'))));
  EXPECT_EQ(clean.at("segments").as_int64(), 2);
  EXPECT_EQ(clean.at("characters_left").as_int64(), 2 * 153 - 170);
  EXPECT_EQ(clean.at("price").at("total_cents").as_int64(), 2 * 2 * 7);
  EXPECT_EQ(clean.at("recipients").at(1).at("price_cents").as_int64(), 14);
  EXPECT_EQ(clean.at("recipients").at(1).at("country").as_string(), "DE");
  EXPECT_TRUE(pipeline_.stored.empty());
}

TEST_F(ContentApiTest, PreviewNeedsASendingRoleAndAValidBody) {
  EXPECT_EQ(call("POST", "/v1/messages/preview", send_body("Hallo"), "key-viewer").status, 403);
  EXPECT_EQ(call("POST", "/v1/messages/preview", "{").status, 400);
  EXPECT_EQ(call("POST", "/v1/messages/preview", R"({"text":"x"})").status, 422);
  EXPECT_EQ(call("POST", "/v1/messages/preview", send_body("Hallo"), "nope").status, 401);
}

TEST_F(ContentApiTest, SmartEncodingCountsTowardsTheSegmentLimit) {
  tenants_.settings(kAcme).max_segments = 1;
  // 100 characters with typographic quotes: 2 UCS-2 segments as written, 1 GSM-7 segment
  // after smart encoding.
  const std::string text = "\u201E" + std::string(98, 'a') + "\u201C";
  auto r = call("POST", "/v1/messages", send_body(text));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(parse(r).at("messages").at(0).at("segments").as_int64(), 1);
  ASSERT_EQ(call("PATCH", "/v1/tenant", R"({"smart_encoding":false})").status, 200);
  auto off = call("POST", "/v1/messages", send_body(text));
  EXPECT_EQ(off.status, 422) << off.body;
  EXPECT_NE(off.body.find("needs 2 segments (ucs2)"), std::string::npos) << off.body;
}

/// Links in a map, as SqliteLinkStore keeps them in tables.
class MemoryLinks final : public links::LinkStore {
 public:
  std::map<std::string, links::Link> links;
  std::map<std::pair<std::string, std::string>, std::uint64_t> clicks_by_day;
  Expected<void> insert(const links::Link& l) override {
    links[l.code] = l;
    return {};
  }
  Expected<std::optional<links::Link>> find(std::string_view code) override {
    auto it = links.find(std::string(code));
    if (it == links.end()) return std::optional<links::Link>{};
    return std::optional<links::Link>{it->second};
  }
  Expected<std::optional<links::Link>> find_target(std::uint64_t tenant, std::string_view target,
                                                   std::int64_t valid_at) override {
    for (const auto& [code, l] : links) {
      if (l.tenant == tenant && l.target == target && l.expires_ms > valid_at) {
        return std::optional<links::Link>{l};
      }
    }
    return std::optional<links::Link>{};
  }
  Expected<void> count_click(std::string_view code, std::string_view day) override {
    ++clicks_by_day[{std::string(code), std::string(day)}];
    return {};
  }
  Expected<std::vector<links::DailyClicks>> clicks(std::uint64_t tenant,
                                                   std::string_view code) override {
    std::vector<links::DailyClicks> out;
    auto it = links.find(std::string(code));
    if (it == links.end() || it->second.tenant != tenant) return out;
    for (const auto& [key, n] : clicks_by_day) {
      if (key.first == code) out.push_back({key.second, n});
    }
    return out;
  }
  // Codes in map order stand for creation order; the cursor is the position.
  Expected<std::vector<links::LinkSummary>> list(std::uint64_t tenant, std::uint64_t cursor,
                                                 std::size_t limit) override {
    std::vector<links::LinkSummary> out;
    std::uint64_t id = 0;
    for (const auto& [code, l] : links) {
      ++id;
      if (l.tenant != tenant || id <= cursor || out.size() == limit) continue;
      std::uint64_t total = 0;
      const auto days = clicks(tenant, code);  // kept: the loop reads into it
      for (const auto& d : *days) total += d.clicks;
      out.push_back({id, l, total});
    }
    return out;
  }
};

class ShortLinkApiTest : public ContentApiTest {
 protected:
  ShortLinkApiTest() {  // the fixture's preview has no links; PreviewShows... builds its own
    policy_.set_links(&links_);
    links_api_.set_statistics(link_store_, tenants_, clock_, "sms.example.com");
    links_api_.add_routes(router_);
  }
  http::Response preview(std::string_view text) {
    return call("POST", "/v1/messages/preview",
                json::serialize(json::object{{"to", "0151 23456789"}, {"text", text},
                                             {"from", "Diskret"}, {"category", "marketing"}}));
  }
  http::Response send(std::string_view text, std::string_view category = "marketing") {
    return call("POST", "/v1/messages",
                json::serialize(json::object{{"to", "0151 23456789"}, {"text", text},
                                             {"from", "Diskret"}, {"category", category}}));
  }
  MemoryLinks link_store_;
  links::LinkService links_{link_store_, clock_, links::LinkOptions{"sms.example.com"}};
  LinksApi links_api_{links_};
};

TEST_F(ShortLinkApiTest, MarketingUrlsAreShortenedWhenTheTenantSwitchesItOn) {
  const std::string text = "Sale: https://shop.example/sommer?utm_source=sms&utm_campaign=x jetzt";
  ASSERT_EQ(send(text).status, 202);
  EXPECT_EQ(pipeline_.stored.back().message.text, text) << "off by default";
  ASSERT_EQ(call("PATCH", "/v1/tenant", R"({"short_links":true})").status, 200);
  ASSERT_EQ(send(text, "transactional").status, 202);
  EXPECT_EQ(pipeline_.stored.back().message.text, text) << "only marketing";
  ASSERT_EQ(send(text).status, 202);
  const auto sent = pipeline_.stored.back().message.text;
  ASSERT_EQ(sent.rfind("Sale: https://sms.example.com/l/", 0), 0u) << sent;
  ASSERT_EQ(link_store_.links.size(), 1u);
  const auto code = link_store_.links.begin()->first;
  EXPECT_EQ(sent, "Sale: https://sms.example.com/l/" + code + " jetzt");

  // The redirect goes to the stored target only; the query string changes nothing.
  auto r = call("GET", "/l/" + code + "?url=https://evil.example");
  EXPECT_EQ(r.status, 302);
  ASSERT_FALSE(r.headers.empty());
  std::string location;
  for (const auto& [k, v] : r.headers) {
    if (k == "Location") location = v;
  }
  EXPECT_EQ(location, "https://shop.example/sommer?utm_source=sms&utm_campaign=x");
  EXPECT_EQ(call("GET", "/l/AAAAAAAA").status, 404);
  EXPECT_EQ(call("GET", "/l/https:%2F%2Fevil.example").status, 404);
  clock_.advance(std::chrono::hours(30 * 24));
  EXPECT_EQ(call("GET", "/l/" + code).status, 410) << "expired after 30 days";
}

TEST_F(ShortLinkApiTest, ATenantReadsItsLinksAndDailyClicksOnly) {
  ASSERT_EQ(call("PATCH", "/v1/tenant", R"({"short_links":true})").status, 200);
  ASSERT_EQ(send("Eins https://shop.example/1").status, 202);
  ASSERT_EQ(send("Zwei https://shop.example/2").status, 202);
  ASSERT_EQ(link_store_.links.size(), 2u);
  std::string code2;
  for (const auto& [code, l] : link_store_.links) {
    if (l.target == "https://shop.example/2") code2 = code;
  }
  for (int i = 0; i < 3; ++i) ASSERT_EQ(call("GET", "/l/" + code2).status, 302);
  clock_.advance(std::chrono::hours(24));
  ASSERT_EQ(call("GET", "/l/" + code2).status, 302);

  auto all = call("GET", "/v1/short-links", {}, "key-viewer");
  ASSERT_EQ(all.status, 200) << all.body;
  auto data = parse(all).at("data").as_array();
  ASSERT_EQ(data.size(), 2u);
  for (const auto& v : data) {
    const auto& o = v.as_object();
    const bool two = o.at("code").as_string() == code2;
    EXPECT_EQ(o.at("target").as_string(), two ? "https://shop.example/2" : "https://shop.example/1");
    EXPECT_EQ(o.at("short_url").as_string(), "https://sms.example.com/l/" + std::string(o.at("code").as_string()));
    EXPECT_EQ(o.at("clicks").as_int64(), two ? 4 : 0);
    EXPECT_EQ(o.at("created_at").as_string(), "2023-11-14T22:13:20.000Z");
    EXPECT_EQ(o.at("expires_at").as_string(), "2023-12-14T22:13:20.000Z");
  }
  // Pages of one.
  auto first = parse(call("GET", "/v1/short-links?limit=1"));
  ASSERT_EQ(first.at("data").as_array().size(), 1u);
  const std::string cursor(first.at("next_cursor").as_string());
  auto second = parse(call("GET", "/v1/short-links?limit=1&cursor=" + cursor));
  ASSERT_EQ(second.at("data").as_array().size(), 1u);
  EXPECT_NE(second.at("data").at(0).at("code"), first.at("data").at(0).at("code"));
  EXPECT_EQ(call("GET", "/v1/short-links?limit=0").status, 400);

  auto days = call("GET", "/v1/short-links/" + code2 + "/clicks");
  ASSERT_EQ(days.status, 200) << days.body;
  EXPECT_EQ(json::serialize(parse(days).at("data")),
            R"([{"day":"2023-11-14","clicks":3},{"day":"2023-11-15","clicks":1}])");
  auto day1 = parse(call("GET", "/v1/short-links/" + code2 + "/clicks?limit=1"));
  ASSERT_EQ(day1.at("data").as_array().size(), 1u);
  auto day2 = parse(call("GET", "/v1/short-links/" + code2 + "/clicks?limit=1&cursor=" +
                         std::string(day1.at("next_cursor").as_string())));
  EXPECT_EQ(json::serialize(day2.at("data")), R"([{"day":"2023-11-15","clicks":1}])");
  EXPECT_TRUE(day2.at("next_cursor").is_null());

  // Another tenant sees none of it; unknown codes and no key are refused.
  tenants_.add_tenant(TenantId{2}, {});
  tenants_.add_key("key-other", TenantId{2}, tenancy::Role::owner);
  EXPECT_EQ(call("GET", "/v1/short-links/" + code2 + "/clicks", {}, "key-other").status, 404);
  auto other = call("GET", "/v1/short-links", {}, "key-other");
  ASSERT_EQ(other.status, 200);
  EXPECT_TRUE(parse(other).at("data").as_array().empty());
  EXPECT_EQ(call("GET", "/v1/short-links/AAAAAAAA/clicks").status, 404);
  EXPECT_EQ(call("GET", "/v1/short-links", {}, "no-such-key").status, 401);
}

TEST_F(ShortLinkApiTest, PreviewShowsTheRewritingAndStoresNoLink) {
  ASSERT_EQ(call("PATCH", "/v1/tenant", R"({"short_links":true})").status, 200);
  PreviewApi preview_api{{tenants_, content_, billing::PriceTable(7), nullptr, 10'000, &links_}, clock_};
  http::Router router;
  preview_api.add_routes(router);
  http::Request req;
  req.method = "POST";
  req.path = req.target = "/v1/messages/preview";
  req.headers = {{"Authorization", "Bearer key-owner"}};
  req.body = json::serialize(json::object{{"to", "0151 23456789"},
                                          {"text", "Hier: https://shop.example/a/very/long/path/to/something"},
                                          {"from", "Diskret"},
                                          {"category", "marketing"}});
  http::Response res;
  router.handler(nullptr)(std::move(req), [&](http::Response&& r) { res = std::move(r); });
  ASSERT_EQ(res.status, 200) << res.body;
  auto o = parse(res);
  ASSERT_EQ(o.at("links").at("rewritten").as_array().size(), 1u);
  EXPECT_EQ(o.at("links").at("rewritten").at(0).at("url").as_string(),
            "https://shop.example/a/very/long/path/to/something");
  EXPECT_EQ(o.at("text").as_string(), "Hier: https://sms.example.com/l/xxxxxxxx");
  EXPECT_TRUE(link_store_.links.empty());
}

}  // namespace
}  // namespace diskret::api
