#include "contacts/timestamp.hpp"

#include <gtest/gtest.h>

namespace diskret::contacts {
namespace {

std::string fmt(std::string_view text) {
  auto t = parse_timestamp(text);
  return t ? format_timestamp(*t) : "none";
}

TEST(Timestamp, Rfc3339) {
  EXPECT_EQ(fmt("2024-03-01T14:30:00Z"), "2024-03-01T14:30:00Z");
  EXPECT_EQ(fmt("2024-03-01T14:30:00+01:00"), "2024-03-01T13:30:00Z");
  EXPECT_EQ(fmt("2024-03-01t14:30:00.25-02:30"), "2024-03-01T17:00:00.250Z");
  EXPECT_EQ(fmt("2024-03-01T14:30:00.123456789Z"), "2024-03-01T14:30:00.123Z");
}

TEST(Timestamp, IsoWithoutZoneIsUtc) {
  EXPECT_EQ(fmt("2024-03-01"), "2024-03-01T00:00:00Z");
  EXPECT_EQ(fmt("2024-03-01 14:30"), "2024-03-01T14:30:00Z");
  EXPECT_EQ(fmt(" 2024-02-29T23:59:59 "), "2024-02-29T23:59:59Z");
}

TEST(Timestamp, GermanNotation) {
  EXPECT_EQ(fmt("01.03.2024"), "2024-03-01T00:00:00Z");
  EXPECT_EQ(fmt("1.3.2024 9:05"), "2024-03-01T09:05:00Z");
  EXPECT_EQ(fmt("1.3.2024 09:05"), "2024-03-01T09:05:00Z");
  EXPECT_EQ(fmt("31.12.1999 23:59:59"), "1999-12-31T23:59:59Z");
}

TEST(Timestamp, RejectsImpossibleAndMalformed) {
  for (const char* bad : {"", "gestern", "32.13.2023", "29.02.2023", "2023-02-29", "2024-13-01",
                          "2024-03-01T24:00:00Z", "2024-03-01T12:60Z", "2024-03-01T12:00:00+25:00",
                          "1969-12-31", "2200-01-01", "9999-12-31", "2024-03-01X", "01.03.24",
                          "2024-3-1", "2024-03-01T12:00:00.Z", "01.03.2024 12:00 Z"}) {
    EXPECT_FALSE(parse_timestamp(bad)) << bad;
  }
}

TEST(Timestamp, FormatRoundTrips) {
  for (const char* t :
       {"1970-01-01T00:00:00Z", "2024-02-29T12:34:56.789Z", "2199-12-31T23:59:59Z"}) {
    EXPECT_EQ(fmt(t), t);
  }
}

}  // namespace
}  // namespace diskret::contacts
