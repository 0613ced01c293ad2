#include "privacy/export_document.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace diskret::privacy {
namespace {

namespace json = boost::json;

SubjectExport sample() {
  SubjectExport d;
  d.tenant = "ten_abc";
  d.phone = "+4915112345678";
  d.generated_at_ms = 1'700'000'000'123;
  d.contact = ExportContact{"Anna", "Muster", {{"kundennr", "K-17"}}, {"Newsletter"}, 1'690'000'000'000, 1'695'000'000'000};
  d.consents.push_back({"marketing", "web_form", "Ja, ich will SMS.", 1'690'000'000'000, std::nullopt,
                        std::nullopt, std::nullopt, 1'690'000'000'001});
  d.sent.push_back({"msg_1", "ACME", "Ihr Code lautet 4711", "delivered", "transactional", 1,
                    1'699'000'000'000, 1'699'000'000'100, 1'699'000'001'000, "carrier-a", ""});
  d.sent.push_back({"msg_2", "ACME", std::nullopt, "failed", "marketing", 2, 1'600'000'000'000,
                    std::nullopt, 1'600'000'000'500, "carrier-b", "absent_subscriber"});
  d.received.push_back({"mo_1", "+4930123456", "STOP", 1'699'500'000'000, "carrier-a"});
  d.suppression = ExportSuppression{"sms_keyword", 1'699'500'000'001};
  d.audit.push_back({4, 1'699'600'000'000, "api_key:12", "privacy.exported", "subject", R"({"n":1})"});
  return d;
}

TEST(ExportDocument, HoldsEverythingAboutThePerson) {
  auto v = json::parse(to_json(sample())).as_object();
  EXPECT_EQ(v["format"].as_string(), "diskret-subject-export/1");
  EXPECT_EQ(v["generated_at"].as_string(), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(v["data_subject"].as_object()["phone"].as_string(), "+4915112345678");
  EXPECT_EQ(v["controller"].as_object()["tenant_id"].as_string(), "ten_abc");
  EXPECT_FALSE(v["erased"].as_bool());
  auto& contact = v["contact"].as_object();
  EXPECT_EQ(contact["first_name"].as_string(), "Anna");
  EXPECT_EQ(contact["fields"].as_object()["kundennr"].as_string(), "K-17");
  EXPECT_EQ(contact["lists"].as_array()[0].as_string(), "Newsletter");
  EXPECT_EQ(v["consents"].as_array()[0].as_object()["wording"].as_string(), "Ja, ich will SMS.");
  EXPECT_TRUE(v["consents"].as_array()[0].as_object()["withdrawn_at"].is_null());
  auto& sent = v["messages_sent"].as_array();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].as_object()["text"].as_string(), "Ihr Code lautet 4711");
  EXPECT_TRUE(sent[1].as_object()["text"].is_null());
  EXPECT_TRUE(sent[1].as_object().contains("text_removed"));
  EXPECT_EQ(sent[1].as_object()["error_code"].as_string(), "absent_subscriber");
  EXPECT_EQ(v["messages_received"].as_array()[0].as_object()["text"].as_string(), "STOP");
  EXPECT_TRUE(v["suppression"].as_object()["suppressed"].as_bool());
  EXPECT_EQ(v["suppression"].as_object()["reason"].as_string(), "sms_keyword");
  EXPECT_EQ(v["recipients"].as_array().size(), 2u);  // carrier-a once, carrier-b
  EXPECT_EQ(v["retention"].as_object()["message_text_days"].as_int64(), 30);
  EXPECT_EQ(v["audit"].as_array()[0].as_object()["details"].as_object()["n"].as_int64(), 1);
}

TEST(ExportDocument, ErasedPersonShowsOnlyTheSuppressionMarker) {
  auto d = sample();  // even if a caller passed data in, none of it may appear
  d.erased_at_ms = 1'699'700'000'000;
  d.suppression = ExportSuppression{"erased", 1'699'700'000'000};
  const auto text = to_json(d);
  for (const char* leak : {"Anna", "Muster", "K-17", "4711", "STOP", "Ja, ich will", "Newsletter"}) {
    EXPECT_EQ(text.find(leak), std::string::npos) << leak;
  }
  auto v = json::parse(text).as_object();
  EXPECT_TRUE(v["erased"].as_bool());
  EXPECT_TRUE(v["contact"].is_null());
  EXPECT_TRUE(v["messages_sent"].as_array().empty());
  EXPECT_TRUE(v["messages_received"].as_array().empty());
  EXPECT_TRUE(v["consents"].as_array().empty());
  EXPECT_EQ(v["suppression"].as_object()["reason"].as_string(), "erased");
}

TEST(ExportDocument, UnknownPersonIsAnEmptyDocument) {
  SubjectExport d;
  d.tenant = "ten_abc";
  d.phone = "+4915100000000";
  auto v = json::parse(to_json(d)).as_object();
  EXPECT_TRUE(v["contact"].is_null());
  EXPECT_FALSE(v["suppression"].as_object()["suppressed"].as_bool());
  EXPECT_TRUE(v["messages_sent"].as_array().empty());
}

TEST(ExportDocument, EscapesText) {
  auto d = sample();
  d.sent[0].text = "a \"quoted\" line\nand \\ backslash";
  auto v = json::parse(to_json(d)).as_object();
  EXPECT_EQ(v["messages_sent"].as_array()[0].as_object()["text"].as_string(), "a \"quoted\" line\nand \\ backslash");
}

TEST(Rfc3339, FormatsMillisecondsInUtc) {
  EXPECT_EQ(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339_ms(1'714'564'800'007), "2024-05-01T12:00:00.007Z");
  EXPECT_EQ(rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace diskret::privacy
