#include "carrier/submit_fields.hpp"

#include <ctime>

#include <fmt/format.h>

namespace diskret::carrier {

std::string format_absolute_time(SystemTime t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:02}{:02}{:02}{:02}{:02}{:02}000+", tm.tm_year % 100, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string_view e164_digits(std::string_view e164) noexcept {
  return !e164.empty() && e164.front() == '+' ? e164.substr(1) : e164;
}

std::string mask_number(std::string_view number) {
  const bool plus = !number.empty() && number.front() == '+';
  const auto digits = plus ? number.substr(1) : number;
  std::string out = plus ? "+" : "";
  if (digits.size() >= 10) {
    out.append(digits.substr(0, 5));
    out.append(digits.size() - 8, '*');
    out.append(digits.substr(digits.size() - 3));
  } else if (digits.size() > 2) {
    out.append(digits.size() - 2, '*');
    out.append(digits.substr(digits.size() - 2));
  } else {
    out.append(digits.size(), '*');
  }
  return out;
}

}  // namespace diskret::carrier
