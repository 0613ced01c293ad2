#pragma once
/// PhoneNumber: a valid number in E.164 form, only made by parse(). Prints masked.
/// libphonenumber stays inside this module.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/expected.hpp"
#include "phone/errc.hpp"

namespace diskret::phone {

/// ISO 3166-1 alpha-2 region for parsing national notation, e.g. "DE".
struct Region {
  std::string code;
};

enum class NumberType : std::uint8_t {
  mobile, fixed_line, fixed_line_or_mobile, toll_free, premium_rate, shared_cost,
  voip, personal_number, pager, uan, voicemail, unknown,
};
const char* number_type_name(NumberType t) noexcept;

class PhoneNumber {
 public:
  /// Any common notation ("0151 1234 5678", "+49 151 12345678", "0049...", "(030) 123")
  /// -> E.164. Invalid or impossible numbers fail with libphonenumber's reason; an unknown
  /// default region fails with Errc::unknown_region. Strict E.164 input ('+' and 8-15
  /// digits) skips libphonenumber's Parse() when that provably gives the same result.
  /// Thread-safe.
  static Expected<PhoneNumber> parse(std::string_view text, const Region& default_region);

  const std::string& e164() const noexcept { return e164_; }   ///< "+4915112345678"
  int country_code() const noexcept { return country_code_; }  ///< 49
  const std::string& region() const noexcept { return region_; }  ///< "DE"
  NumberType type() const;                                     ///< computed on demand
  /// IANA time zones of the number's region, from a table built into this module (the tz
  /// database's zone.tab): Debian ships no libphonenumber time-zone mapper. Limitation: no
  /// lookup by area code, so a country with several zones (US, CA, RU, BR, AU, MX, ID ...)
  /// yields all of them, most populous first. Non-geographic numbers: {"Etc/Unknown"}.
  std::vector<std::string> time_zones() const;
  /// The IANA zones of an ISO region ("DE" -> {"Europe/Berlin"}), most populous first, from
  /// the same table; empty when the region is unknown.
  static std::vector<std::string> region_time_zones(std::string_view region);
  /// "+49151*****678": country code and 3 more digits, last 3 digits, stars between.
  std::string masked() const { return mask_e164(e164_); }

  /// Keeps a leading '+', the first 5 and the last 3 digits; when that would hide nothing
  /// (8 digits or fewer) it keeps only the last 2.
  static std::string mask_e164(std::string_view e164);
  friend bool operator==(const PhoneNumber& a, const PhoneNumber& b) { return a.e164_ == b.e164_; }

 private:
  PhoneNumber(std::string e164, int cc, std::string region)
      : e164_(std::move(e164)), country_code_(cc), region_(std::move(region)) {}
  std::string e164_;
  int country_code_ = 0;
  std::string region_;
};

}  // namespace diskret::phone

/// Phone numbers are personal data: formatting one prints it masked.
template <>
struct fmt::formatter<diskret::phone::PhoneNumber> : fmt::formatter<std::string_view> {
  auto format(const diskret::phone::PhoneNumber& n, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(n.masked(), ctx);
  }
};
