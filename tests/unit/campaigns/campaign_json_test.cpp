#include "api/campaign_json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace diskret::api {
namespace {

namespace json = boost::json;

const SystemTime kNow{std::chrono::seconds{1'700'000'000}};

std::vector<std::string> fields_of(const http::Problem& p) {
  std::vector<std::string> out;
  for (const auto& e : p.errors) out.push_back(e.field);
  return out;
}

TEST(CampaignBody, AcceptsAFullBodyAndAppliesDefaults) {
  tenancy::TenantSettings settings;
  auto c = parse_campaign_body(
      R"({"name":"Sommer","lists":[3,"4",3],"exclude_lists":[5],"from":"Laden",)"
      R"("template":"Hallo {{first_name|Kundin/Kunde}}","category":"transactional",)"
      R"("send_at":"2026-06-01T09:00:00+02:00","rate_per_minute":500})",
      settings, kNow);
  ASSERT_TRUE(c) << c.error().body();
  EXPECT_EQ(c->lists, (std::vector<std::uint64_t>{3, 4}));
  EXPECT_EQ(c->exclude_lists, (std::vector<std::uint64_t>{5}));
  EXPECT_EQ(c->category, 0);
  EXPECT_EQ(c->rate_per_minute, 500u);
  EXPECT_EQ(c->send_at_ms, 1'780'297'200'000);
  EXPECT_EQ(c->status, "draft");

  auto d = parse_campaign_body(R"({"name":"x","lists":[1],"from":"Laden","template":"Hi"})",
                               settings, kNow);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->category, 1);  // marketing unless said otherwise
  EXPECT_EQ(d->rate_per_minute, kDefaultRatePerMinute);
  EXPECT_FALSE(d->send_at_ms);
}

TEST(CampaignBody, NamesEveryBadField) {
  tenancy::TenantSettings settings;
  auto c = parse_campaign_body(
      R"({"name":"","lists":[],"from":"this sender id is far too long","template":"{{x}}",)"
      R"("category":"spam","send_at":"soon","rate_per_minute":100001,"colour":"red"})",
      settings, kNow);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().status, 422);
  const auto fields = fields_of(c.error());
  for (const char* f : {"name", "lists", "from", "template", "category", "send_at",
                        "rate_per_minute", "colour"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }
  EXPECT_EQ(parse_campaign_body("{", settings, kNow).error().status, 400);
  auto missing = parse_campaign_body("{}", settings, kNow);
  ASSERT_FALSE(missing);
  EXPECT_EQ(fields_of(missing.error()),
            (std::vector<std::string>{"name", "lists", "from", "template"}));
  EXPECT_FALSE(parse_campaign_body(
      R"({"name":"x","lists":[1],"from":"Laden","template":"Hi","rate_per_minute":0})", settings,
      kNow));
}

TEST(CampaignBody, FromMustBeAVerifiedSenderIdWhenTheAccountHasThem) {
  tenancy::TenantSettings settings;
  settings.sender_ids = {"Laden"};
  EXPECT_TRUE(parse_campaign_body(R"({"name":"x","lists":[1],"from":"Laden","template":"Hi"})",
                                  settings, kNow));
  auto other = parse_campaign_body(R"({"name":"x","lists":[1],"from":"Andere","template":"Hi"})",
                                   settings, kNow);
  ASSERT_FALSE(other);
  EXPECT_EQ(fields_of(other.error()), (std::vector<std::string>{"from"}));
}

TEST(CampaignBody, RefusesATemplateBeyondTheSegmentLimit) {
  tenancy::TenantSettings settings;
  settings.max_segments = 1;
  const std::string body = R"({"name":"x","lists":[1],"from":"Laden","template":")" +
                           std::string(161, 'a') + R"("})";
  auto c = parse_campaign_body(body, settings, kNow);
  ASSERT_FALSE(c);
  EXPECT_EQ(fields_of(c.error()), (std::vector<std::string>{"template"}));
}

TEST(CampaignJson, RendersStatusAndCounts) {
  store::CampaignRecord r;
  r.id = 7;
  r.name = "Sommer";
  r.lists = {1};
  r.sender = "Laden";
  r.template_text = "Hi";
  r.category = 1;
  r.rate_per_minute = 60;
  r.status = "running";
  store::CampaignCounts counts{3, 4, 2, 1, 1, {{"suppressed", 1}}};
  auto o = json::parse(render_campaign(r, counts)).as_object();
  EXPECT_EQ(o.at("id"), 7);
  EXPECT_EQ(o.at("status"), "running");
  EXPECT_EQ(o.at("category"), "marketing");
  EXPECT_TRUE(o.at("send_at").is_null());
  EXPECT_EQ(o.at("counts").at("pending"), 3);
  EXPECT_EQ(o.at("counts").at("sent"), 4);
  EXPECT_EQ(o.at("counts").at("delivered"), 2);
  EXPECT_EQ(o.at("counts").at("failed"), 1);
  EXPECT_EQ(o.at("counts").at("rejected"), 1);
  EXPECT_EQ(o.at("rejected_reasons").at("suppressed"), 1);
}

TEST(CampaignBody, SendAtLocalIsACivilTimeStartingWithTheFirstZone) {
  tenancy::TenantSettings settings;
  auto c = parse_campaign_body(
      R"({"name":"x","lists":[1],"from":"Laden","template":"Hi","send_at_local":"2026-12-01T09:00"})",
      settings, kNow);
  ASSERT_TRUE(c) << c.error().body();
  EXPECT_EQ(c->send_at_local, "2026-12-01T09:00");
  EXPECT_EQ(c->send_at_ms, 1'796'115'600'000 - 14LL * 3600 * 1000);  // 09:00 at UTC+14
  const auto shown = json::parse(render_campaign(*c, {})).as_object();
  EXPECT_EQ(shown.at("send_at_local").as_string(), "2026-12-01T09:00");
  EXPECT_TRUE(shown.at("send_at").is_null());
  for (const char* body :
       {R"({"name":"x","lists":[1],"from":"Laden","template":"Hi","send_at_local":"2026-12-01T09:00+01:00"})",
        R"({"name":"x","lists":[1],"from":"Laden","template":"Hi","send_at_local":"2026-12-01"})",
        R"({"name":"x","lists":[1],"from":"Laden","template":"Hi","send_at_local":"2026-12-01T09:00",)"
        R"("send_at":"2026-12-01T09:00:00Z"})"}) {
    auto bad = parse_campaign_body(body, settings, kNow);
    ASSERT_FALSE(bad) << body;
    EXPECT_EQ(fields_of(bad.error()), (std::vector<std::string>{"send_at_local"})) << body;
  }
}

}  // namespace
}  // namespace diskret::api
