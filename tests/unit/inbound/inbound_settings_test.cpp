#include "inbound/inbound_settings.hpp"

#include <gtest/gtest.h>

namespace diskret::inbound {
namespace {

TEST(InboundSettings, AbsentPartsKeepTheDefaults) {
  auto s =
      parse_settings(R"({"keywords":{"help":["INFO"]},"replies":{"stop":"Tschüss."}})", "Shop");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->keywords.help, std::vector<std::string>{"INFO"});
  EXPECT_EQ(s->keywords.stop, KeywordLists::defaults().stop);
  EXPECT_EQ(s->replies.stop, "Tschüss.");
  EXPECT_EQ(s->replies.start, ReplyTexts::defaults("Shop").start);
  EXPECT_NE(s->replies.help.find("Shop"), std::string::npos);
}

TEST(InboundSettings, RoundTripsThroughJson) {
  auto s = parse_settings(R"({"keywords":{"stop":["AUS"]},"replies":{"help":""}})", "Shop");
  ASSERT_TRUE(s);
  auto again = parse_settings(to_json(*s), "Other");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->keywords.stop, std::vector<std::string>{"AUS"});
  EXPECT_EQ(again->replies.help, "");
  EXPECT_EQ(again->replies.stop, s->replies.stop);
}

TEST(InboundSettings, RefusesWrongShapesAndRules) {
  EXPECT_EQ(parse_settings("[]", "x").error().code, make_error_code(Errc::invalid_text));
  EXPECT_EQ(parse_settings("{", "x").error().code, make_error_code(Errc::invalid_text));
  EXPECT_EQ(parse_settings(R"({"other":1})", "x").error().code,
            make_error_code(Errc::invalid_text));
  EXPECT_EQ(parse_settings(R"({"keywords":{"stop":"STOP"}})", "x").error().code,
            make_error_code(Errc::invalid_text));
  EXPECT_EQ(parse_settings(R"({"keywords":{"stop":[1]}})", "x").error().code,
            make_error_code(Errc::invalid_text));
  EXPECT_EQ(parse_settings(R"({"keywords":{"stop":[]}})", "x").error().code,
            make_error_code(Errc::no_stop_keyword));
  EXPECT_EQ(parse_settings(R"({"keywords":{"help":["STOP"]}})", "x").error().code,
            make_error_code(Errc::duplicate_keyword));
  EXPECT_EQ(parse_settings(R"({"replies":{"stop":""}})", "x").error().code,
            make_error_code(Errc::invalid_text));
}

TEST(InboundSettings, BrokenStoredSettingsFallBackToTheDefaults) {
  const CompiledSettings c = compile_settings(std::string("not json"), "Shop");
  EXPECT_EQ(c.matcher.match("STOP")->kind, KeywordKind::stop);
  EXPECT_EQ(c.replies.stop, ReplyTexts::defaults("Shop").stop);
  const CompiledSettings custom =
      compile_settings(std::string(R"({"keywords":{"stop":["AUS"]}})"), "Shop");
  EXPECT_EQ(custom.matcher.match("aus")->kind, KeywordKind::stop);
  EXPECT_FALSE(custom.matcher.match("STOP"));
}

}  // namespace
}  // namespace diskret::inbound
