// Quiet hours in the recipient's own time zone (absl time zones from the tz database).
#include "campaigns/quiet_hours.hpp"

#include <gtest/gtest.h>

namespace diskret::campaigns {
namespace {

// Epoch ms of a UTC wall time.
std::int64_t utc(int y, int mo, int d, int h, int mi) {
  std::tm t{};
  t.tm_year = y - 1900;
  t.tm_mon = mo - 1;
  t.tm_mday = d;
  t.tm_hour = h;
  t.tm_min = mi;
  return static_cast<std::int64_t>(timegm(&t)) * 1000;
}

QuietHours standard() { return *QuietHours::parse("20:00-08:00"); }

TEST(QuietHours, ParsesTheWindowOrOff) {
  auto q = QuietHours::parse("21:30-07:15");
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->enabled);
  EXPECT_EQ(q->window_start_minute, 7 * 60 + 15);
  EXPECT_EQ(q->window_end_minute, 21 * 60 + 30);
  EXPECT_FALSE(QuietHours::parse("off")->enabled);
  for (const char* bad : {"", "20-08", "08:00-20:00", "25:00-08:00", "20:00-08:60", "20:00"}) {
    EXPECT_FALSE(QuietHours::parse(bad)) << bad;
  }
}

TEST(QuietHours, ZoneComesFromTheNumber) {
  EXPECT_EQ(zone_of("+4915112345678", "DE"), "Europe/Berlin");
  EXPECT_EQ(zone_of("015112345678", "DE"), "Europe/Berlin");
  EXPECT_EQ(zone_of("+351912345678", "DE"), "Europe/Lisbon");
  EXPECT_EQ(zone_of("not a number", "DE"), "");
}

TEST(QuietHours, OpenWindowSendsNowAndNightWaitsForMorningLocally) {
  const auto q = standard();
  // Tuesday 2023-11-14, Berlin is UTC+1: 12:00 local is open.
  const auto noon = utc(2023, 11, 14, 11, 0);
  EXPECT_EQ(open_at_ms(noon, "Europe/Berlin", q), noon);
  // 23:13 local -> Wednesday 08:00 local = 07:00 UTC.
  EXPECT_EQ(open_at_ms(utc(2023, 11, 14, 22, 13), "Europe/Berlin", q), utc(2023, 11, 15, 7, 0));
  // 06:59 local -> 08:00 the same day.
  EXPECT_EQ(open_at_ms(utc(2023, 11, 15, 5, 59), "Europe/Berlin", q), utc(2023, 11, 15, 7, 0));
  // 20:00 local sharp is quiet already.
  EXPECT_EQ(open_at_ms(utc(2023, 11, 15, 19, 0), "Europe/Berlin", q), utc(2023, 11, 16, 7, 0));
  // The same instant is daytime in Lisbon (UTC+0) but night in Berlin only at 19:30 UTC.
  EXPECT_EQ(open_at_ms(utc(2023, 11, 15, 19, 30), "Europe/Lisbon", q), utc(2023, 11, 15, 19, 30));
  // Off: always now.
  EXPECT_EQ(open_at_ms(utc(2023, 11, 14, 22, 13), "Europe/Berlin", QuietHours{}),
            utc(2023, 11, 14, 22, 13));
}

TEST(QuietHours, SundaysAreQuietAllDayAndSummerTimeCounts) {
  const auto q = standard();
  // Saturday 2023-11-18 21:00 Berlin (20:00 UTC) -> Monday 08:00 Berlin (07:00 UTC).
  EXPECT_EQ(open_at_ms(utc(2023, 11, 18, 20, 0), "Europe/Berlin", q), utc(2023, 11, 20, 7, 0));
  // Sunday noon -> Monday 08:00.
  EXPECT_EQ(open_at_ms(utc(2023, 11, 19, 11, 0), "Europe/Berlin", q), utc(2023, 11, 20, 7, 0));
  auto sundays_ok = *QuietHours::parse("20:00-08:00", false);
  EXPECT_EQ(open_at_ms(utc(2023, 11, 19, 11, 0), "Europe/Berlin", sundays_ok),
            utc(2023, 11, 19, 11, 0));
  // July: Berlin is UTC+2, so 08:00 local is 06:00 UTC.
  EXPECT_EQ(open_at_ms(utc(2024, 7, 2, 4, 0), "Europe/Berlin", q), utc(2024, 7, 2, 6, 0));
}

}  // namespace
}  // namespace diskret::campaigns
