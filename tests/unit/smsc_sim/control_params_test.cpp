#include "smsc_sim/control_params.hpp"

#include <gtest/gtest.h>

namespace diskret::smsc_sim {
namespace {

TEST(ControlParams, QueryIsFormDecoded) {
  auto p = parse_control_params("from=%2B4915&to=12345&text=Hello+there%21", "", "");
  ASSERT_TRUE(p);
  EXPECT_EQ(find_param(*p, "from"), "+4915");
  EXPECT_EQ(find_param(*p, "text"), "Hello there!");
  EXPECT_FALSE(find_param(*p, "system_id"));
}

TEST(ControlParams, JsonBodyWinsOverQuery) {
  auto p = parse_control_params("throttle_ratio=0.5", "application/json",
                                R"({"throttle_ratio": 0.25, "drop_every": 10, "reject_prefix": "999", "x": null, "b": true})");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(find_param(*p, "throttle_ratio"), "2.5E-1");
  EXPECT_EQ(find_param(*p, "drop_every"), "10");
  EXPECT_EQ(find_param(*p, "reject_prefix"), "999");
  EXPECT_EQ(find_param(*p, "b"), "true");
  EXPECT_FALSE(find_param(*p, "x"));
}

TEST(ControlParams, FormBody) {
  auto p = parse_control_params("", "application/x-www-form-urlencoded", "text=a%20b&to=1");
  ASSERT_TRUE(p);
  EXPECT_EQ(find_param(*p, "text"), "a b");
}

TEST(ControlParams, Utf8TextSurvivesJson) {
  auto p = parse_control_params("", "application/json", R"({"text":"Gr\u00fc\u00dfe \u20ac"})");
  ASSERT_TRUE(p);
  EXPECT_EQ(find_param(*p, "text"), "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac");
}

TEST(ControlParams, RejectsBrokenInput) {
  EXPECT_FALSE(parse_control_params("a=%zz", "", ""));
  EXPECT_FALSE(parse_control_params("a=%4", "", ""));
  EXPECT_FALSE(parse_control_params("", "application/json", "{not json"));
  EXPECT_FALSE(parse_control_params("", "application/json", "[1,2]"));
  EXPECT_FALSE(parse_control_params("", "application/json", R"({"a":[1]})"));
}

}  // namespace
}  // namespace diskret::smsc_sim
