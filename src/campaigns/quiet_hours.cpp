#include "campaigns/quiet_hours.hpp"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <algorithm>
#include <optional>

#include "phone/phone_number.hpp"

namespace diskret::campaigns {
namespace {

std::optional<int> minute_of_day(std::string_view hhmm) {
  if (hhmm.size() != 5 || hhmm[2] != ':') return std::nullopt;
  for (std::size_t i : {0u, 1u, 3u, 4u}) {
    if (hhmm[i] < '0' || hhmm[i] > '9') return std::nullopt;
  }
  const int h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0');
  const int m = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

}  // namespace

Expected<QuietHours> QuietHours::parse(std::string_view text, bool sundays) {
  QuietHours q;
  q.sundays = sundays;
  if (text == "off") return q;
  const auto dash = text.find('-');
  auto from = minute_of_day(text.substr(0, dash));
  auto until = dash == std::string_view::npos ? std::nullopt : minute_of_day(text.substr(dash + 1));
  // Quiet over midnight ("20:00-08:00"): the window is until..from.
  if (!from || !until || *until >= *from) {
    return fail(Errc::invalid_argument,
                "quiet hours are written \"HH:MM-HH:MM\" over midnight (e.g. \"20:00-08:00\") or \"off\"");
  }
  q.enabled = true;
  q.window_start_minute = *until;
  q.window_end_minute = *from;
  return q;
}

bool QuietHours::holiday(std::string_view region, std::string_view day) const {
  if (holidays.empty()) return false;
  std::string key = "*:";
  key += day;
  if (holidays.contains(key)) return true;
  if (region.empty()) return false;
  key.assign(region);
  key += ':';
  key += day;
  return holidays.contains(key);
}

Expected<std::set<std::string, std::less<>>> parse_holidays(const std::vector<std::string>& entries) {
  std::set<std::string, std::less<>> out;
  for (const auto& e : entries) {
    const auto colon = e.find(':');
    const std::string region = colon == std::string::npos ? "" : e.substr(0, colon);
    const std::string date = colon == std::string::npos ? "" : e.substr(colon + 1);
    const bool region_ok = region == "*" || (region.size() == 2 && std::all_of(region.begin(), region.end(), [](char c) {
                                               return c >= 'A' && c <= 'Z';
                                             }));
    absl::CivilDay day;
    const bool date_ok = date.size() == 10 && absl::ParseCivilTime(date, &day) &&
                         absl::FormatCivilTime(day) == date;
    if (!region_ok || !date_ok) {
      return fail(Errc::invalid_argument, "holiday \"" + e.substr(0, 40) +
                                              "\" is not \"CC:YYYY-MM-DD\" (CC a country code or *)");
    }
    out.insert(e);
  }
  return out;
}

namespace {

std::optional<absl::CivilMinute> parse_local(std::string_view local) {
  absl::CivilMinute m;
  if (local.size() != 16 || local[10] != 'T') return std::nullopt;
  if (!absl::ParseCivilTime(absl::string_view(local.data(), local.size()), &m)) return std::nullopt;
  if (absl::FormatCivilTime(m) != local) return std::nullopt;  // no normalised 2026-02-30
  return m;
}

}  // namespace

std::optional<std::int64_t> local_time_ms(std::string_view local, std::string_view zone) {
  auto m = parse_local(local);
  if (!m) return std::nullopt;
  absl::TimeZone tz = absl::UTCTimeZone();
  if (!zone.empty()) (void)absl::LoadTimeZone(std::string(zone), &tz);
  return absl::ToUnixMillis(tz.At(absl::CivilSecond(*m)).pre);
}

std::optional<std::int64_t> earliest_local_time_ms(std::string_view local) {
  auto m = parse_local(local);
  if (!m) return std::nullopt;
  return absl::ToUnixMillis(absl::FromCivil(*m, absl::UTCTimeZone())) - 14LL * 3600 * 1000;
}

std::string region_of(std::string_view e164, std::string_view default_region) {
  auto number = phone::PhoneNumber::parse(e164, phone::Region{std::string(default_region)});
  return number ? number->region() : std::string{};
}

std::string zone_of(std::string_view e164, std::string_view default_region) {
  auto number = phone::PhoneNumber::parse(e164, phone::Region{std::string(default_region)});
  if (!number) return {};
  const auto zones = number->time_zones();
  if (zones.empty() || zones.front() == "Etc/Unknown") return {};
  return zones.front();  // several: the most populous first
}

LocalPlace place_of(std::string_view e164, std::string_view tenant_region) {
  LocalPlace place;
  auto number = phone::PhoneNumber::parse(e164, phone::Region{std::string(tenant_region)});
  std::vector<std::string> zones;
  if (number) zones = phone::PhoneNumber::region_time_zones(number->region());
  // Several zones: the most populous (US -> America/New_York). Never the tenant's own zone
  // for another country's number: a German sender's US recipients must not get texts at
  // New York night because it is daytime in Berlin.
  if (!zones.empty()) return {zones.front(), number->region()};
  place.region = std::string(tenant_region);
  const auto fallback = phone::PhoneNumber::region_time_zones(tenant_region);
  if (!fallback.empty()) place.zone = fallback.front();
  return place;
}

std::int64_t open_at_ms(std::int64_t now_ms, std::string_view zone, const QuietHours& quiet,
                        std::string_view region) {
  if (!quiet.enabled) return now_ms;
  absl::TimeZone tz = absl::UTCTimeZone();
  if (!zone.empty()) (void)absl::LoadTimeZone(std::string(zone), &tz);
  const absl::Time now = absl::FromUnixMillis(now_ms);
  const absl::CivilMinute local = absl::ToCivilMinute(now, tz);
  absl::CivilDay day(local);
  const int minute = local.hour() * 60 + local.minute();
  auto quiet_day = [&](absl::CivilDay d) {
    return (quiet.sundays && absl::GetWeekday(d) == absl::Weekday::sunday) ||
           quiet.holiday(region, absl::FormatCivilTime(d));
  };
  if (!quiet_day(day) && minute >= quiet.window_start_minute && minute < quiet.window_end_minute) {
    return now_ms;
  }
  if (quiet_day(day) || minute >= quiet.window_end_minute) day += 1;
  for (int i = 0; i < 366 && quiet_day(day); ++i) day += 1;  // a year of holidays at most
  const absl::CivilMinute opens(day.year(), day.month(), day.day(), quiet.window_start_minute / 60,
                                quiet.window_start_minute % 60);
  return std::max(now_ms, absl::ToUnixMillis(absl::FromCivil(opens, tz)));
}

}  // namespace diskret::campaigns
