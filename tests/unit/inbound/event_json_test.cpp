#include "inbound/event_json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace diskret::inbound {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const SystemTime kAt = SystemTime{std::chrono::seconds{1'700'000'000}} + 123ms;

TEST(EventJson, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_utc_ms(kAt), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(format_utc_ms(SystemTime{}), "1970-01-01T00:00:00.000Z");
}

TEST(EventJson, StatusEventHasTheContractFields) {
  StatusEvent e{"0123456789abcdef", "delivered", "+4915112345678", std::nullopt, kAt};
  const json::object o = json::parse(to_json(e)).as_object();
  EXPECT_EQ(o.at("event"), "message.status");
  EXPECT_EQ(o.at("id"), "0123456789abcdef");
  EXPECT_EQ(o.at("status"), "delivered");
  EXPECT_EQ(o.at("to"), "+4915112345678");
  EXPECT_EQ(o.at("at"), "2023-11-14T22:13:20.123Z");
  EXPECT_FALSE(o.contains("error"));
  EXPECT_EQ(o.size(), 5u);
}

TEST(EventJson, StatusEventCarriesTheError) {
  StatusEvent e{"1", "failed", "+4915112345678", EventError{"carrier_rejected", "Refused."}, kAt};
  const json::object o = json::parse(to_json(e)).as_object();
  EXPECT_EQ(o.at("error").at("code"), "carrier_rejected");
  EXPECT_EQ(o.at("error").at("detail"), "Refused.");
}

TEST(EventJson, InboundEventEscapesTextAndAddsKeyword) {
  InboundEvent e{"42", "+4915112345678", "12345", "Stopp \"bitte\"\n\xC3\xA4", kAt, "stop"};
  const std::string body = to_json(e);
  EXPECT_EQ(body.find('\n'), std::string::npos);  // one line, newline escaped
  const json::object o = json::parse(body).as_object();
  EXPECT_EQ(o.at("event"), "message.inbound");
  EXPECT_EQ(o.at("id"), "42");
  EXPECT_EQ(o.at("from"), "+4915112345678");
  EXPECT_EQ(o.at("to"), "12345");
  EXPECT_EQ(o.at("text"), "Stopp \"bitte\"\n\xC3\xA4");
  EXPECT_EQ(o.at("received_at"), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(o.at("keyword"), "stop");
  e.keyword.reset();
  EXPECT_FALSE(json::parse(to_json(e)).as_object().contains("keyword"));
}

}  // namespace
}  // namespace diskret::inbound
