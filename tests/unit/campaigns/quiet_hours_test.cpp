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

TEST(QuietHours, NumbersWithoutARegionTakeTheTenantsRegionNotUtc) {
  // The number's own region, whatever the tenant; with several zones the most populous.
  EXPECT_EQ(place_of("+351912345678", "US").zone, "Europe/Lisbon");
  EXPECT_EQ(place_of("+351912345678", "US").region, "PT");
  // US toll-free: region US -> New York for a German tenant too, never Berlin.
  const auto tollfree_de = place_of("+18002345678", "DE");
  EXPECT_EQ(tollfree_de.zone, "America/New_York");
  EXPECT_EQ(tollfree_de.region, "US");
  EXPECT_EQ(place_of("+18002345678", "US").zone, "America/New_York");
  // International freephone (+800, non-geographic): no zone, no country -> the tenant's.
  const auto freephone_de = place_of("+80012345678", "DE");
  EXPECT_EQ(freephone_de.zone, "Europe/Berlin");
  EXPECT_EQ(freephone_de.region, "DE");
  const auto freephone_us = place_of("+80012345678", "US");
  EXPECT_EQ(freephone_us.zone, "America/New_York");
  EXPECT_EQ(freephone_us.region, "US");
  EXPECT_EQ(place_of("not a number", "AT").zone, "Europe/Vienna");
  EXPECT_EQ(place_of("not a number", "XX").zone, "");  // no zone at all: UTC

  // Quiet hours, holidays and send_at_local follow the fallback zone.
  const auto q = standard();
  const auto night_utc = utc(2023, 11, 14, 22, 13);  // Tuesday: 23:13 Berlin, 17:13 New York
  EXPECT_EQ(open_at_ms(night_utc, freephone_de.zone, q, freephone_de.region),
            utc(2023, 11, 15, 7, 0));
  EXPECT_EQ(open_at_ms(night_utc, freephone_us.zone, q, freephone_us.region), night_utc);
  auto holiday = q;
  holiday.holidays = *parse_holidays({"US:2023-11-15"});
  // Wednesday 10:00 New York is a US holiday for both US tenants' +800 and DE tenants' +1800.
  const auto wed_ny = utc(2023, 11, 15, 15, 0);
  EXPECT_EQ(open_at_ms(wed_ny, freephone_us.zone, holiday, freephone_us.region),
            utc(2023, 11, 16, 13, 0));
  EXPECT_EQ(open_at_ms(wed_ny, freephone_de.zone, holiday, freephone_de.region), wed_ny);
  EXPECT_EQ(local_time_ms("2023-11-15T09:00", freephone_de.zone), utc(2023, 11, 15, 8, 0));
  EXPECT_EQ(local_time_ms("2023-11-15T09:00", freephone_us.zone), utc(2023, 11, 15, 14, 0));
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

TEST(QuietHours, HolidaysOfTheRecipientsCountryAreHeldLikeSundays) {
  auto q = standard();
  q.holidays = *parse_holidays({"DE:2026-12-25", "DE:2026-12-26", "AT:2026-12-08", "*:2026-01-01"});
  // Thursday 2026-12-24 21:00 Berlin: Christmas (Fri), Boxing Day (Sat) and Sunday are
  // quiet in Germany -> Monday 2026-12-28 08:00 Berlin (07:00 UTC).
  EXPECT_EQ(open_at_ms(utc(2026, 12, 24, 20, 0), "Europe/Berlin", q, "DE"), utc(2026, 12, 28, 7, 0));
  // The same instant in Vienna: the 25th is no holiday configured for AT -> Friday 08:00.
  EXPECT_EQ(open_at_ms(utc(2026, 12, 24, 20, 0), "Europe/Vienna", q, "AT"), utc(2026, 12, 25, 7, 0));
  // Tuesday 2026-12-08 noon: quiet in Austria only.
  EXPECT_EQ(open_at_ms(utc(2026, 12, 8, 11, 0), "Europe/Vienna", q, "AT"), utc(2026, 12, 9, 7, 0));
  EXPECT_EQ(open_at_ms(utc(2026, 12, 8, 11, 0), "Europe/Berlin", q, "DE"), utc(2026, 12, 8, 11, 0));
  // "*" holds everyone; an unknown country only gets the "*" days.
  EXPECT_EQ(open_at_ms(utc(2026, 1, 1, 11, 0), "Europe/Lisbon", q, "PT"), utc(2026, 1, 2, 8, 0));
  EXPECT_EQ(open_at_ms(utc(2026, 12, 25, 11, 0), "Europe/Lisbon", q, ""), utc(2026, 12, 25, 11, 0));
  // The holiday is the recipient's local date: 2026-12-24 23:30 UTC is already the 25th in
  // Berlin (quiet), still the 24th in Lisbon (night: opens the 25th, no PT holiday then).
  EXPECT_EQ(open_at_ms(utc(2026, 12, 24, 23, 30), "Europe/Lisbon", q, "PT"), utc(2026, 12, 25, 8, 0));
}

TEST(QuietHours, HolidayEntriesAreValidated) {
  EXPECT_TRUE(parse_holidays({"DE:2026-12-25", "*:2027-01-01"}));
  for (const char* bad : {"DE-2026-12-25", "de:2026-12-25", "DEU:2026-12-25", "DE:2026-13-01",
                          "DE:2026-02-30", "DE:26-12-25", ":2026-12-25"}) {
    auto r = parse_holidays({bad});
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message().find("CC:YYYY-MM-DD"), std::string::npos);
  }
}

TEST(QuietHours, DaylightSavingBoundariesInBothDirections) {
  const auto q = standard();
  // Saturday 2026-03-28 21:00 Berlin (UTC+1, 20:00 UTC); Sunday is quiet and the clocks go
  // forward that night -> Monday 2026-03-30 08:00 CEST = 06:00 UTC.
  EXPECT_EQ(open_at_ms(utc(2026, 3, 28, 20, 0), "Europe/Berlin", q), utc(2026, 3, 30, 6, 0));
  // Saturday 2026-10-24 22:00 CEST (20:00 UTC): back to CET on Sunday -> Monday 08:00 CET =
  // 07:00 UTC.
  EXPECT_EQ(open_at_ms(utc(2026, 10, 24, 20, 0), "Europe/Berlin", q), utc(2026, 10, 26, 7, 0));
  // New York switches on 2026-03-08: Monday 2026-03-09 07:30 EDT (11:30 UTC) waits until
  // 08:00 EDT = 12:00 UTC (it would be 13:00 UTC under EST).
  EXPECT_EQ(open_at_ms(utc(2026, 3, 9, 11, 30), "America/New_York", q), utc(2026, 3, 9, 12, 0));
}

TEST(LocalSendTime, IsTheCivilTimeInEachRecipientsZoneAcrossSummerTime) {
  // 09:00 on Tuesday 2026-12-01: CET in Berlin, WET in Lisbon, EST in New York.
  EXPECT_EQ(*local_time_ms("2026-12-01T09:00", "Europe/Berlin"), utc(2026, 12, 1, 8, 0));
  EXPECT_EQ(*local_time_ms("2026-12-01T09:00", "Europe/Lisbon"), utc(2026, 12, 1, 9, 0));
  EXPECT_EQ(*local_time_ms("2026-12-01T09:00", "America/New_York"), utc(2026, 12, 1, 14, 0));
  // In July Berlin is UTC+2.
  EXPECT_EQ(*local_time_ms("2026-07-01T09:00", "Europe/Berlin"), utc(2026, 7, 1, 7, 0));
  // The day of the change: 09:00 is after it in both directions.
  EXPECT_EQ(*local_time_ms("2026-03-29T09:00", "Europe/Berlin"), utc(2026, 3, 29, 7, 0));
  EXPECT_EQ(*local_time_ms("2026-10-25T09:00", "Europe/Berlin"), utc(2026, 10, 25, 8, 0));
  // 02:30 does not exist on 2026-03-29 in Berlin: read with the winter offset (= 03:30 CEST).
  EXPECT_EQ(*local_time_ms("2026-03-29T02:30", "Europe/Berlin"), utc(2026, 3, 29, 1, 30));
  // 02:30 happens twice on 2026-10-25: the first (CEST) one.
  EXPECT_EQ(*local_time_ms("2026-10-25T02:30", "Europe/Berlin"), utc(2026, 10, 25, 0, 30));
  // Unknown zone: UTC.
  EXPECT_EQ(*local_time_ms("2026-12-01T09:00", ""), utc(2026, 12, 1, 9, 0));
  // The earliest zone (UTC+14, Kiritimati) reaches 09:00 at 19:00 UTC the day before.
  EXPECT_EQ(*earliest_local_time_ms("2026-12-01T09:00"), utc(2026, 11, 30, 19, 0));
  for (const char* bad : {"2026-12-01 09:00", "2026-12-01T09:00Z", "2026-12-01T09:00:00",
                          "2026-02-30T09:00", "2026-12-01T24:00", "09:00"}) {
    EXPECT_FALSE(local_time_ms(bad, "Europe/Berlin")) << bad;
    EXPECT_FALSE(earliest_local_time_ms(bad)) << bad;
  }
}

}  // namespace
}  // namespace diskret::campaigns
