#include "http/response_head.hpp"

#include <gtest/gtest.h>

#include <set>

namespace diskret::http {
namespace {

TEST(ResponseHead, WritesStatusHeadersAndLength) {
  Response r{202, "application/json", {{"Idempotent-Replayed", "true"}}, "{}"};
  EXPECT_EQ(serialize_head(r, "abc", true),
            "HTTP/1.1 202 Accepted\r\n"
            "Content-Type: application/json\r\n"
            "Idempotent-Replayed: true\r\n"
            "X-Content-Type-Options: nosniff\r\n"
            "Referrer-Policy: no-referrer\r\n"
            "Cache-Control: no-store\r\n"
            "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
            "X-Request-Id: abc\r\n"
            "Content-Length: 2\r\n"
            "\r\n");
}

TEST(ResponseHead, HandlerHeadersOverrideSecurityDefaults) {
  Response r{200, "text/html", {{"cache-control", "max-age=60"}}, ""};
  auto head = serialize_head(r, "", false);
  EXPECT_NE(head.find("cache-control: max-age=60\r\n"), std::string::npos);
  EXPECT_EQ(head.find("no-store"), std::string::npos);
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(head.find("X-Request-Id"), std::string::npos);
}

TEST(ResponseHead, DropsInjectedAndFramingHeaders) {
  Response r{200, "text/plain",
             {{"X-Evil", "a\r\nSet-Cookie: x=1"}, {"Content-Length", "999"}, {"Connection", "upgrade"}},
             "hello"};
  auto head = serialize_head(r, "id\r\nX: y", true);
  EXPECT_EQ(head.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(head.find("999"), std::string::npos);
  EXPECT_EQ(head.find("upgrade"), std::string::npos);
  EXPECT_EQ(head.find("X: y"), std::string::npos);
  EXPECT_NE(head.find("Content-Length: 5\r\n"), std::string::npos);
}

TEST(ResponseHead, UnknownStatusStillHasAPhrase) {
  EXPECT_EQ(reason_phrase(418), "Unknown");
  EXPECT_EQ(serialize_head(Response{599, "", {}, ""}, "", true).substr(0, 22), "HTTP/1.1 599 Unknown\r\n");
  EXPECT_EQ(serialize_head(Response{42, "", {}, ""}, "", true).substr(0, 12), "HTTP/1.1 500");
}

}  // namespace
}  // namespace diskret::http

#include "http/request_id.hpp"

namespace diskret::http {
namespace {

TEST(RequestIds, KeepsPlainClientIdsOnly) {
  RequestIds ids;
  EXPECT_EQ(ids.assign("trace-1.a:b_c"), "trace-1.a:b_c");
  for (std::string_view bad : {"", "has space", "new\nline", "<script>"}) {
    auto id = ids.assign(bad);
    EXPECT_EQ(id.size(), 16u) << bad;
    EXPECT_NE(id, bad);
  }
  EXPECT_EQ(ids.assign(std::string(65, 'a')).size(), 16u);
}

TEST(RequestIds, ReplacesIdsThatCouldBeAPhoneNumber) {
  // Request ids are logged and stored in plain text: never a number in them.
  RequestIds ids;
  EXPECT_EQ(ids.assign("order-1234567"), "order-1234567");  // 7 digits in a row: kept
  EXPECT_EQ(ids.assign("2024-11-30T12:00:00"), "2024-11-30T12:00:00");
  for (std::string_view number : {"4915123456789", "req-015123456789", "x:49151234567"}) {
    auto id = ids.assign(number);
    EXPECT_EQ(id.size(), 16u) << number;
    EXPECT_EQ(id.find(number), std::string::npos) << number;
  }
}

TEST(RequestIds, GeneratedIdsDiffer) {
  RequestIds ids;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(ids.assign({}));
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace diskret::http
