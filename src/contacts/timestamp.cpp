#include "contacts/timestamp.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>

namespace diskret::contacts {
namespace {

using namespace std::chrono;

// A tiny cursor: every parse step consumes digits or one literal, nothing else.
struct Cursor {
  std::string_view s;
  std::size_t i = 0;

  bool done() const { return i == s.size(); }
  bool lit(char c) {
    if (i < s.size() && s[i] == c) return ++i, true;
    return false;
  }
  /// Between min_digits and max_digits decimal digits.
  bool num(int min_digits, int max_digits, int& out) {
    int n = 0;
    out = 0;
    while (i < s.size() && n < max_digits && s[i] >= '0' && s[i] <= '9') {
      out = out * 10 + (s[i++] - '0');
      ++n;
    }
    return n >= min_digits;
  }
};

bool valid_date(int y, int m, int d) {
  if (y < 1970 || y > 2199 || m < 1 || m > 12 || d < 1) return false;
  return year_month_day{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}}
      .ok();
}

std::optional<SystemTime> make(int y, int mo, int d, int h, int mi, int sec, int ms,
                               int offset_minutes) {
  if (!valid_date(y, mo, d) || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  // A leap second (":60") is folded into the next second, as most systems do.
  const sys_days days{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}};
  return SystemTime{days} + hours{h} + minutes{mi} + seconds{sec} + milliseconds{ms} -
         minutes{offset_minutes};
}

// "HH:MM[:SS[.fff]]" with an optional zone: Z or +hh:mm / -hh:mm (zone only if allowed).
bool parse_time(Cursor& c, int& h, int& mi, int& sec, int& ms, int& offset, bool zone) {
  // German spreadsheets write "9:05"; RFC 3339 wants "09:05".
  if (!c.num(zone ? 2 : 1, 2, h) || !c.lit(':') || !c.num(2, 2, mi)) return false;
  if (c.lit(':')) {
    if (!c.num(2, 2, sec)) return false;
    if (c.lit('.') || c.lit(',')) {
      int digits = 0;
      while (!c.done() && c.s[c.i] >= '0' && c.s[c.i] <= '9') {
        if (digits < 3) ms = ms * 10 + (c.s[c.i] - '0');
        ++digits, ++c.i;
      }
      if (digits == 0 || digits > 9) return false;
      for (int k = digits; k < 3; ++k) ms *= 10;
    }
  }
  if (!zone) return true;
  if (c.lit('Z') || c.lit('z')) return true;
  const bool plus = c.lit('+');
  if (!plus && !c.lit('-')) return true;
  int oh = 0;
  int om = 0;
  if (!c.num(2, 2, oh) || !c.lit(':') || !c.num(2, 2, om) || oh > 23 || om > 59) return false;
  offset = (plus ? 1 : -1) * (oh * 60 + om);
  return true;
}

std::optional<SystemTime> parse_iso(std::string_view s) {
  Cursor c{s};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0, offset = 0;
  if (!c.num(4, 4, y) || !c.lit('-') || !c.num(2, 2, mo) || !c.lit('-') || !c.num(2, 2, d)) {
    return std::nullopt;
  }
  if (!c.done()) {
    if (!c.lit('T') && !c.lit('t') && !c.lit(' ')) return std::nullopt;
    if (!parse_time(c, h, mi, sec, ms, offset, true)) return std::nullopt;
  }
  if (!c.done()) return std::nullopt;
  return make(y, mo, d, h, mi, sec, ms, offset);
}

std::optional<SystemTime> parse_german(std::string_view s) {
  Cursor c{s};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0, offset = 0;
  if (!c.num(1, 2, d) || !c.lit('.') || !c.num(1, 2, mo) || !c.lit('.') || !c.num(4, 4, y)) {
    return std::nullopt;
  }
  if (!c.done()) {
    if (!c.lit(' ')) return std::nullopt;
    while (c.lit(' ')) {
    }
    if (!parse_time(c, h, mi, sec, ms, offset, false)) return std::nullopt;
  }
  if (!c.done()) return std::nullopt;
  return make(y, mo, d, h, mi, sec, ms, 0);
}

}  // namespace

std::optional<SystemTime> parse_timestamp(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.size() >= 5 && text[4] == '-') return parse_iso(text);
  return parse_german(text);
}

std::string format_timestamp(SystemTime t) {
  const auto ms_total = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const auto day_ms = std::int64_t{86'400'000};
  std::int64_t days = ms_total / day_ms;
  std::int64_t rest = ms_total % day_ms;
  if (rest < 0) rest += day_ms, --days;
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  const auto h = rest / 3'600'000;
  const auto mi = rest / 60'000 % 60;
  const auto s = rest / 1000 % 60;
  const auto ms = rest % 1000;
  auto out =
      fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), h, mi, s);
  if (ms != 0) out += fmt::format(".{:03}", ms);
  out += 'Z';
  return out;
}

}  // namespace diskret::contacts
