#include "backup/format.hpp"

#include <gtest/gtest.h>

#include "backup/errc.hpp"

namespace diskret::backup {
namespace {

BackupHeader sample() {
  BackupHeader h;
  h.created_at_ms = 1'700'000'000'123;
  h.master_key_id = "0123456789abcdef";
  h.backup_key_id = "bk1";
  h.wrapped_file_key = std::string("\x01\x02\xff", 3);
  h.producer = "diskret test";
  h.items.push_back({"diskret.db", "sqlite-main", 4096, 40});
  return h;
}

TEST(BackupFormat, PreambleRoundTrips) {
  const auto bytes = encode_preamble(sample());
  ASSERT_GT(bytes.size(), kPreambleSize);
  EXPECT_EQ(bytes.substr(0, 8), "DSKRTBAK");
  auto pre = decode_preamble_start(bytes.substr(0, kPreambleSize));
  ASSERT_TRUE(pre.has_value()) << pre.error().message();
  EXPECT_EQ(pre->header_size, bytes.size() - kPreambleSize);
  auto h = decode_header(bytes.substr(kPreambleSize));
  ASSERT_TRUE(h.has_value()) << h.error().message();
  EXPECT_EQ(h->created_at_ms, 1'700'000'000'123);
  EXPECT_EQ(h->backup_key_id, "bk1");
  EXPECT_EQ(h->wrapped_file_key, sample().wrapped_file_key);
  ASSERT_EQ(h->items.size(), 1u);
  EXPECT_EQ(h->items[0].name, "diskret.db");
  EXPECT_EQ(h->items[0].size, 4096u);
  EXPECT_EQ(h->items[0].schema_version, 40);
}

TEST(BackupFormat, RefusesOtherFilesAndVersions) {
  EXPECT_EQ(decode_preamble_start("SQLite format 3\0").error().code, Errc::not_a_backup);
  EXPECT_EQ(decode_preamble_start("DSK").error().code, Errc::not_a_backup);
  auto bytes = encode_preamble(sample());
  bytes[9] = 2;
  EXPECT_EQ(decode_preamble_start(bytes.substr(0, kPreambleSize)).error().code,
            Errc::unsupported_version);
  bytes = encode_preamble(sample());
  bytes[10] = 0x7f;  // absurd header length
  EXPECT_EQ(decode_preamble_start(bytes.substr(0, kPreambleSize)).error().code, Errc::invalid_header);
}

TEST(BackupFormat, RefusesUnsafeOrDuplicateItemNames) {
  for (const char* name : {"../keys.db", "a/b", "..", "", "x y"}) {
    auto h = sample();
    h.items[0].name = name;
    auto bytes = encode_preamble(h);
    EXPECT_EQ(decode_header(bytes.substr(kPreambleSize)).error().code, Errc::invalid_header) << name;
  }
  auto h = sample();
  h.items.push_back(h.items[0]);
  EXPECT_EQ(decode_header(encode_preamble(h).substr(kPreambleSize)).error().code, Errc::invalid_header);
}

TEST(BackupFormat, RefusesHeadersWithMissingFields) {
  EXPECT_EQ(decode_header("[]").error().code, Errc::invalid_header);
  EXPECT_EQ(decode_header(R"({"created_at_ms":1})").error().code, Errc::invalid_header);
  auto h = sample();
  h.items.clear();
  EXPECT_EQ(decode_header(encode_preamble(h).substr(kPreambleSize)).error().code, Errc::invalid_header);
}

}  // namespace
}  // namespace diskret::backup
