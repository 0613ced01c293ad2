#include "api/send_request.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/rfc3339.hpp"

namespace diskret::api {
namespace {

const SystemTime kNow{std::chrono::seconds(1'700'000'000)};  // 2023-11-14T22:13:20Z

Expected<SendRequest, http::Problem> parse(std::string_view body, tenancy::TenantSettings s = {}) {
  return parse_send_request(body, s, SendLimits{}, kNow);
}

TEST(SendRequest, DefaultsToTransactionalWithoutSchedule) {
  auto r = parse(R"({"to":"+4915123456789","text":"Hi","from":"12345"})");
  ASSERT_TRUE(r) << r.error().body();
  EXPECT_EQ(r->category, pipeline::Category::transactional);
  EXPECT_EQ(r->from.kind, sms::SenderKind::short_code);
  EXPECT_FALSE(r->send_at);
  EXPECT_FALSE(r->expires_at);
  EXPECT_EQ(r->to, std::vector<std::string>{"+4915123456789"});
}

TEST(SendRequest, SendAtInTheFutureIsKeptAndValidForCountsFromIt) {
  auto r = parse(R"({"to":"+4915123456789","text":"Hi","from":"Diskret","category":"marketing",
                    "send_at":"2023-11-15T08:00:00+01:00","valid_for":3600})");
  ASSERT_TRUE(r) << r.error().body();
  EXPECT_EQ(r->category, pipeline::Category::marketing);
  ASSERT_TRUE(r->send_at);
  EXPECT_EQ(format_rfc3339(*r->send_at), "2023-11-15T07:00:00.000Z");
  EXPECT_EQ(format_rfc3339(*r->expires_at), "2023-11-15T08:00:00.000Z");
}

TEST(SendRequest, SendAtInThePastMeansNow) {
  auto r = parse(R"({"to":"+4915123456789","text":"Hi","from":"Diskret",
                    "send_at":"2020-01-01T00:00:00Z","valid_for":60})");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->send_at);
  EXPECT_EQ(*r->expires_at, kNow + std::chrono::seconds(60));
}

TEST(SendRequest, ScheduleAndValidityBoundsAreChecked) {
  EXPECT_FALSE(parse(R"({"to":"1","text":"Hi","from":"Diskret","send_at":"2024-01-30T00:00:00Z"})"));
  EXPECT_FALSE(parse(R"({"to":"1","text":"Hi","from":"Diskret","valid_for":59})"));
  EXPECT_FALSE(parse(R"({"to":"1","text":"Hi","from":"Diskret","valid_for":604801})"));
  EXPECT_FALSE(parse(R"({"to":"1","text":"Hi","from":"Diskret","valid_for":120.5})"));
  EXPECT_TRUE(parse(R"({"to":"1","text":"Hi","from":"Diskret","valid_for":604800})"));
}

TEST(SendRequest, CountsSegmentsAndEncodingOnce) {
  auto r = parse(R"({"to":"1","text":"Grüße 😀","from":"Diskret"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text_info.encoding, sms::Encoding::ucs2);
  EXPECT_EQ(r->text_info.segments, 1u);
}

TEST(SendRequest, OverlongRecipientAndClientRefFailTheRequest) {
  auto long_to = parse(R"({"to":")" + std::string(65, '1') + R"(","text":"Hi","from":"Diskret"})");
  ASSERT_FALSE(long_to);
  EXPECT_EQ(long_to.error().errors.at(0).field, "to");
  auto long_ref = parse(R"({"to":"1","text":"Hi","from":"Diskret","client_ref":")" +
                        std::string(129, 'r') + "\"}");
  ASSERT_FALSE(long_ref);
  EXPECT_EQ(long_ref.error().errors.at(0).field, "client_ref");
}

TEST(SendRequest, RespectsAConfiguredRecipientLimit) {
  auto r = parse_send_request(R"({"to":["1","2","3"],"text":"Hi","from":"Diskret"})", {},
                              SendLimits{2}, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 422);
}

TEST(CountryAllowed, EmptyListMeansDefaultRegionOnly) {
  tenancy::TenantSettings s;
  EXPECT_TRUE(country_allowed(s, "DE"));
  EXPECT_FALSE(country_allowed(s, "AT"));
  s.allowed_countries = {"AT"};
  EXPECT_FALSE(country_allowed(s, "DE"));
  EXPECT_TRUE(country_allowed(s, "AT"));
  s.allowed_countries = {"*"};
  EXPECT_TRUE(country_allowed(s, "US"));
}

TEST(PlanMessages, NormalisesNationalNotationWithTheTenantRegion) {
  tenancy::TenantSettings s;
  s.default_region = "AT";
  auto r = parse(R"({"to":["0664 1234567","+4915123456789"],"text":"Hi","from":"Diskret"})", s);
  ASSERT_TRUE(r);
  auto plan = plan_messages(*r, s);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].to, "+436641234567");
  EXPECT_FALSE(plan[0].rejected);
  EXPECT_EQ(plan[1].rejected->code, "country_not_allowed");
  EXPECT_EQ(plan[1].segments, 1u);
  EXPECT_EQ(plan[1].encoding, "gsm7");
}

TEST(SendResponse, RendersIdsStatusesAndErrors) {
  std::vector<pipeline::NewMessage> messages(2);
  messages[0].to = "+4915123456789";
  messages[0].segments = 1;
  messages[0].encoding = "gsm7";
  messages[1].to = "12";
  messages[1].rejected = pipeline::MessageError{"invalid_number", "not a phone number"};
  auto body = boost::json::parse(
      render_send_response(messages, {pipeline::MessageId{0x10}, pipeline::MessageId{0x11}}));
  const auto& list = body.at("messages").as_array();
  EXPECT_EQ(list[0].at("id").as_string(), pipeline::format_message_id(pipeline::MessageId{0x10}));
  EXPECT_EQ(list[0].at("status").as_string(), "accepted");
  EXPECT_EQ(list[1].at("status").as_string(), "rejected");
  EXPECT_EQ(list[1].at("error").at("code").as_string(), "invalid_number");
}

TEST(Fingerprint, IsSha256OfTheBody) {
  EXPECT_EQ(fingerprint("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(fingerprint("{\"a\":1}"), fingerprint("{\"a\":2}"));
}

TEST(IdempotencyKey, AcceptsVisibleAsciiUpTo255) {
  EXPECT_TRUE(valid_idempotency_key("order-17:retry"));
  EXPECT_FALSE(valid_idempotency_key(""));
  EXPECT_FALSE(valid_idempotency_key("a b"));
  EXPECT_FALSE(valid_idempotency_key(std::string(256, 'k')));
}

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_rfc3339(SystemTime{std::chrono::milliseconds(1'700'000'000'123)}),
            "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(format_rfc3339(SystemTime{}), "1970-01-01T00:00:00.000Z");
}

TEST(Rfc3339, ParsesOffsetsAndFractions) {
  EXPECT_EQ(parse_rfc3339("2023-11-14T22:13:20Z"), SystemTime{std::chrono::seconds(1'700'000'000)});
  EXPECT_EQ(parse_rfc3339("2023-11-14t23:13:20.5+01:00"),
            SystemTime{std::chrono::milliseconds(1'700'000'000'500)});
  EXPECT_EQ(parse_rfc3339("2024-02-29T00:00:00-05:30"), SystemTime{std::chrono::seconds(1'709'184'600)});
}

TEST(Rfc3339, RejectsMalformedInput) {
  for (const char* bad : {"2023-11-14", "2023-11-14T22:13:20", "2023-13-01T00:00:00Z",
                          "2023-02-29T00:00:00Z", "2023-11-14T24:00:00Z", "2023-11-14T22:13:20.Z",
                          "2023-11-14T22:13:20+0100", "2023-11-14T22:13:20Zjunk", "yesterday"}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

// Found by the send-request fuzzer under UBSan: the year 9184 overflowed the conversion to
// the clock's nanoseconds. A time point the clock cannot hold is no time.
TEST(Rfc3339, RejectsTimesTheClockCannotHold) {
  EXPECT_FALSE(parse_rfc3339("9184-12-31T23:59:59Z"));
  EXPECT_FALSE(parse_rfc3339("2263-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("0001-01-01T00:00:00Z"));
  EXPECT_TRUE(parse_rfc3339("2262-01-01T00:00:00Z"));
  EXPECT_TRUE(parse_rfc3339("1970-01-01T00:00:00+01:00"));
}

}  // namespace
}  // namespace diskret::api
