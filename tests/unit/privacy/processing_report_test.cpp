#include "privacy/processing_report.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace diskret::privacy {
namespace {

namespace json = boost::json;

TEST(ProcessingReport, ComesFromTheInputs) {
  ProcessingInputs in;
  in.tenant = "tn_a";
  in.tenant_name = "Acme";
  in.generated_at_ms = 1'714'564'800'000;
  in.retention = RetentionPolicy{Days{7}, Days{14}, Days{5}, Days{10}};
  in.counts = {{"contacts", 3}, {"messages", 120}, {"inbound_messages", 0}};
  in.carriers = {{"carrier-a", "smsc.example", 2775, {"+49"}}, {"carrier-b", "10.0.0.2", 2776, {}}};
  in.security.smtp_starttls = true;
  in.security.audit_signing_key_id = "abcd";
  auto v = json::parse(processing_report_json(in)).as_object();
  EXPECT_EQ(v.at("controller").at("tenant_id").as_string(), "tn_a");
  EXPECT_EQ(v.at("generated_at").as_string(), "2024-05-01T12:00:00.000Z");
  EXPECT_EQ(v.at("retention").at("message_text_days").as_int64(), 7);
  auto& subs = v.at("sub_processors").as_array();
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[0].at("name").as_string(), "carrier-a");
  EXPECT_EQ(subs[0].at("prefixes").as_array()[0].as_string(), "+49");
  bool contacts = false;
  bool inbound = true;
  for (const auto& c : v.at("categories").as_array()) {
    if (c.at("category").as_string() == "contacts") contacts = c.at("records").as_int64() == 3 && c.at("held").as_bool();
    if (c.at("category").as_string() == "received messages") inbound = c.at("held").as_bool();
  }
  EXPECT_TRUE(contacts);
  EXPECT_FALSE(inbound);
  const auto measures = json::serialize(v.at("security_measures"));
  EXPECT_NE(measures.find("STARTTLS"), std::string::npos);
  EXPECT_NE(measures.find("plain HTTP"), std::string::npos);  // no TLS configured: said so
  EXPECT_EQ(v.at("audit_signing_key").as_string(), "abcd");
}

}  // namespace
}  // namespace diskret::privacy
