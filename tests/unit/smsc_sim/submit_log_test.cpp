#include "smsc_sim/submit_log.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace diskret::smsc_sim {
namespace {

smpp::SubmitSm sample_submit() {
  smpp::SubmitSm s;
  s.source_addr_ton = 5;
  s.source_addr = "Diskret";
  s.dest_addr_ton = 1;
  s.dest_addr_npi = 1;
  s.destination_addr = "4915112345678";
  s.registered_delivery = 1;
  s.short_message = "Hi";
  return s;
}

boost::json::object line_of(const SubmitLogEntry& e) {
  std::string out;
  append_submit_line(out, e);
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1);
  return boost::json::parse(out).as_object();
}

TEST(SubmitLog, WritesTheContractFields) {
  const smpp::SubmitSm s = sample_submit();
  const auto o = line_of({1700000000123, 7, "test", 42, &s, "1001", 0});
  EXPECT_EQ(o.at("ts").as_int64(), 1700000000123);
  EXPECT_EQ(o.at("session").as_int64(), 7);
  EXPECT_EQ(o.at("system_id").as_string(), "test");
  EXPECT_EQ(o.at("seq").as_int64(), 42);
  EXPECT_EQ(o.at("source_addr").as_string(), "Diskret");
  EXPECT_EQ(o.at("source_ton").as_int64(), 5);
  EXPECT_EQ(o.at("source_npi").as_int64(), 0);
  EXPECT_EQ(o.at("destination_addr").as_string(), "4915112345678");
  EXPECT_EQ(o.at("dest_ton").as_int64(), 1);
  EXPECT_EQ(o.at("data_coding").as_int64(), 0);
  EXPECT_EQ(o.at("esm_class").as_int64(), 0);
  EXPECT_EQ(o.at("registered_delivery").as_int64(), 1);
  EXPECT_EQ(o.at("sm_hex").as_string(), "4869");
  EXPECT_EQ(o.at("message_id").as_string(), "1001");
  EXPECT_EQ(o.at("resp_status").as_int64(), 0);
  EXPECT_FALSE(o.contains("udh"));
  EXPECT_FALSE(o.contains("payload_hex"));
}

TEST(SubmitLog, RefusedAndDroppedSubmitsHaveNullIdOrStatus) {
  const smpp::SubmitSm s = sample_submit();
  const auto throttled = line_of({1, 1, "t", 1, &s, {}, 0x58});
  EXPECT_TRUE(throttled.at("message_id").is_null());
  EXPECT_EQ(throttled.at("resp_status").as_int64(), 88);
  const auto dropped = line_of({1, 1, "t", 1, &s, {}, std::nullopt});
  EXPECT_TRUE(dropped.at("resp_status").is_null());
}

TEST(SubmitLog, DescribesConcatenationUdhAndPayload) {
  smpp::SubmitSm s = sample_submit();
  s.esm_class = 0x40;
  s.short_message = std::string("\x05\x00\x03\x2a\x03\x02" "ABC", 9);
  s.tlvs.message_payload = std::string("\x01\xff", 2);
  const auto o = line_of({1, 1, "t", 1, &s, "9", 0});
  EXPECT_EQ(o.at("sm_hex").as_string(), "0500032a0302414243");
  const auto& udh = o.at("udh").as_object();
  EXPECT_EQ(udh.at("udh_hex").as_string(), "0500032a0302");
  EXPECT_EQ(udh.at("ref").as_int64(), 42);
  EXPECT_EQ(udh.at("total").as_int64(), 3);
  EXPECT_EQ(udh.at("part").as_int64(), 2);
  EXPECT_EQ(o.at("payload_hex").as_string(), "01ff");
}

TEST(SubmitLog, SixteenBitReferenceUdh) {
  auto udh = parse_udh(std::string("\x06\x08\x04\x12\x34\x02\x01" "x", 8));
  ASSERT_TRUE(udh);
  EXPECT_EQ(udh->header_length, 7u);
  EXPECT_TRUE(udh->has_concat);
  EXPECT_EQ(udh->ref, 0x1234);
  EXPECT_EQ(udh->total, 2);
  EXPECT_EQ(udh->part, 1);
  EXPECT_FALSE(parse_udh(std::string("\x09\x00", 2)));  // UDHL past the end
}

TEST(SubmitLog, EscapesOddBytesInAddresses) {
  smpp::SubmitSm s = sample_submit();
  s.source_addr = std::string("a\"b\\c\x01\xe9", 7);
  const auto o = line_of({1, 1, "t", 1, &s, "1", 0});
  EXPECT_EQ(o.at("source_addr").as_string(), std::string("a\"b\\c\x01\xc3\xa9"));
}

TEST(SubmitLog, AppendsToFileOnFlush) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("smsc_sim_log_test_" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(path);
  {
    auto log = SubmitLog::open(path.string());
    ASSERT_TRUE(log) << log.error().message();
    const smpp::SubmitSm s = sample_submit();
    log->append({1, 1, "t", 1, &s, "1", 0});
    log->append({2, 1, "t", 2, &s, "2", 0});
    EXPECT_EQ(log->lines(), 2u);
    log->flush();
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
    log->append({3, 1, "t", 3, &s, "3", 0});
  }  // the destructor flushes the rest
  std::ifstream in(path);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) ++lines;
  EXPECT_EQ(lines, 3);
  std::filesystem::remove(path);
}

TEST(SubmitLog, OpenFailsWithSentence) {
  auto log = SubmitLog::open("/nonexistent-dir/x.jsonl");
  ASSERT_FALSE(log);
  EXPECT_NE(log.error().message().find("/nonexistent-dir/x.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace diskret::smsc_sim
