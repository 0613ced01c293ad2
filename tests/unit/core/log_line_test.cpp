#include "core/log_line.hpp"

#include <gtest/gtest.h>

namespace diskret::core {
namespace {

std::chrono::system_clock::time_point at_ms(std::int64_t ms) {
  return std::chrono::system_clock::time_point{std::chrono::milliseconds{ms}};
}

TEST(JsonLogLine, PlainMessageWithUtcMilliseconds) {
  // 2026-11-30T07:01:02.045Z
  EXPECT_EQ(json_log_line(at_ms(1'796'022'062'045), "info", "carrier sim: bound"),
            "{\"ts\":\"2026-11-30T07:01:02.045Z\",\"level\":\"info\",\"msg\":\"carrier sim: bound\"}\n");
}

TEST(JsonLogLine, TrailingKeyValueWordsBecomeFieldsInOrder) {
  EXPECT_EQ(json_log_line(at_ms(0), "info",
                          "message submitted msg_id=m1 request_id=ab12 carrier=sim"),
            "{\"ts\":\"1970-01-01T00:00:00.000Z\",\"level\":\"info\",\"msg\":\"message submitted\","
            "\"msg_id\":\"m1\",\"request_id\":\"ab12\",\"carrier\":\"sim\"}\n");
}

TEST(JsonLogLine, OnlyTrailingWellFormedFieldsAreTaken) {
  // A key=value in the middle, an uppercase key, a reserved name and an empty value stay text.
  EXPECT_EQ(json_log_line(at_ms(0), "warn", "a=b said X=1 then level=9 k= tail=x"),
            "{\"ts\":\"1970-01-01T00:00:00.000Z\",\"level\":\"warn\",\"msg\":\"a=b said X=1 then "
            "level=9 k=\",\"tail\":\"x\"}\n");
  EXPECT_EQ(json_log_line(at_ms(0), "info", "x=1"),
            "{\"ts\":\"1970-01-01T00:00:00.000Z\",\"level\":\"info\",\"msg\":\"\",\"x\":\"1\"}\n");
}

TEST(JsonLogLine, EscapesQuotesControlsAndInvalidUtf8) {
  const std::string line =
      json_log_line(at_ms(0), "error", std::string("say \"hi\"\\ \n\x01 \xc3\xa4 \xff end", 21));
  EXPECT_EQ(line,
            "{\"ts\":\"1970-01-01T00:00:00.000Z\",\"level\":\"error\",\"msg\":\"say \\\"hi\\\"\\\\ "
            "\\n\\u0001 \xc3\xa4 \\ufffd end\"}\n");
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one record, one line";
}

TEST(JsonLogLine, TruncatedUtf8SequenceAtTheEndIsReplaced) {
  EXPECT_EQ(json_log_line(at_ms(0), "info", "cut \xe2\x82"),
            "{\"ts\":\"1970-01-01T00:00:00.000Z\",\"level\":\"info\",\"msg\":\"cut \\ufffd\\ufffd\"}\n");
}

TEST(PlainToken, OnlyShortWordsOfTheSafeCharacters) {
  EXPECT_TRUE(plain_token("trace-1.a:b_c"));
  EXPECT_TRUE(plain_token(std::string(64, 'a')));
  EXPECT_FALSE(plain_token(std::string(65, 'a')));
  for (std::string_view bad : {"", "has space", "new\nline", "<script>", "a=b", "\xc3\xa4"}) {
    EXPECT_FALSE(plain_token(bad)) << bad;
  }
}

}  // namespace
}  // namespace diskret::core
