#include "phone/phone_number.hpp"

#include <bitset>
#include <set>

#include <phonenumbers/phonenumberutil.h>

#include "phone/e164_fast_path.hpp"
#include "phone/number_patterns.hpp"
#include "phone/region.hpp"
#include "phone/time_zone_table.hpp"

namespace diskret::phone {
namespace {

namespace pn = i18n::phonenumbers;
using Util = pn::PhoneNumberUtil;

const Util& util() {
  // GetInstance() is a thread-safe singleton; its const methods may run concurrently.
  static const Util& instance = *Util::GetInstance();
  return instance;
}

// Two-letter region codes as a bitset: the check runs on every parse and costs no lookup.
class RegionSet {
 public:
  static const RegionSet& get() {
    static const RegionSet set;
    return set;
  }
  bool contains(std::string_view code) const {
    return code.size() == 2 && is_upper(code[0]) && is_upper(code[1]) && bits_[index(code)];
  }

 private:
  RegionSet() {
    std::set<std::string> regions;
    util().GetSupportedRegions(&regions);
    for (const auto& r : regions) {
      if (r.size() == 2 && is_upper(r[0]) && is_upper(r[1])) bits_.set(index(r));
    }
  }
  static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
  static std::size_t index(std::string_view c) {
    return static_cast<std::size_t>((c[0] - 'A') * 26 + (c[1] - 'A'));
  }
  std::bitset<26 * 26> bits_;
};

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

unexpected<Error> parse_failure(Util::ErrorType e) {
  switch (e) {
    case Util::INVALID_COUNTRY_CODE_ERROR: return fail(Errc::invalid_country_code);
    case Util::TOO_SHORT_AFTER_IDD: return fail(Errc::too_short_after_idd);
    case Util::TOO_SHORT_NSN: return fail(Errc::too_short_nsn);
    case Util::TOO_LONG_NSN: return fail(Errc::too_long);
    case Util::NOT_A_NUMBER:
    case Util::NO_PARSING_ERROR: break;
  }
  return fail(Errc::not_a_number);
}

// Parsed, but not a number of its region. The detail names the region and, where
// libphonenumber can tell, what is wrong with the length; never the digits.
unexpected<Error> invalid_number(const detail::PhoneNumberProto& proto, std::string region) {
  const Util& lib = util();
  if (region == "ZZ") lib.GetRegionCodeForCountryCode(proto.country_code(), &region);
  std::string detail = "not a valid number for ";
  detail += region == "001" ? "+" + std::to_string(proto.country_code()) : region;
  switch (lib.IsPossibleNumberWithReason(proto)) {
    case Util::INVALID_COUNTRY_CODE: return fail(Errc::invalid_country_code);
    case Util::TOO_SHORT: detail += " (too short)"; break;
    case Util::TOO_LONG: detail += " (too long)"; break;
    case Util::INVALID_LENGTH: detail += " (no such length)"; break;
    case Util::IS_POSSIBLE:
    case Util::IS_POSSIBLE_LOCAL_ONLY: break;
  }
  return fail(Errc::invalid_number, std::move(detail));
}

NumberType from_lib(Util::PhoneNumberType t) {
  switch (t) {
    case Util::MOBILE: return NumberType::mobile;
    case Util::FIXED_LINE: return NumberType::fixed_line;
    case Util::FIXED_LINE_OR_MOBILE: return NumberType::fixed_line_or_mobile;
    case Util::TOLL_FREE: return NumberType::toll_free;
    case Util::PREMIUM_RATE: return NumberType::premium_rate;
    case Util::SHARED_COST: return NumberType::shared_cost;
    case Util::VOIP: return NumberType::voip;
    case Util::PERSONAL_NUMBER: return NumberType::personal_number;
    case Util::PAGER: return NumberType::pager;
    case Util::UAN: return NumberType::uan;
    case Util::VOICEMAIL: return NumberType::voicemail;
    case Util::UNKNOWN: break;
  }
  return NumberType::unknown;
}

// Rebuilds the proto from our E.164 string the way Parse() stores a national significant
// number: leading zeros (Italy and others) go to italian_leading_zero and
// number_of_leading_zeros, the rest to national_number.
detail::PhoneNumberProto to_proto(int country_code, std::string_view e164) {
  const std::size_t cc_len = std::to_string(country_code).size();
  const std::string_view nsn = e164.substr(1 + cc_len);
  detail::PhoneNumberProto proto;
  proto.set_country_code(country_code);
  if (nsn.size() > 1 && nsn[0] == '0') {
    proto.set_italian_leading_zero(true);
    int zeros = 1;
    while (static_cast<std::size_t>(zeros) < nsn.size() - 1 && nsn[zeros] == '0') ++zeros;
    if (zeros != 1) proto.set_number_of_leading_zeros(zeros);
  }
  std::uint64_t value = 0;
  for (char c : nsn) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  proto.set_national_number(value);
  return proto;
}

}  // namespace

bool is_supported_region(std::string_view code) { return RegionSet::get().contains(code); }

Expected<PhoneNumber> PhoneNumber::parse(std::string_view text, const Region& default_region) {
  const std::string region = upper_ascii(default_region.code);
  if (!RegionSet::get().contains(region)) {
    return fail(Errc::unknown_region, "default region is not a supported ISO 3166 code");
  }
  const Util& lib = util();
  detail::PhoneNumberProto proto;
  const bool fast = detail::build_from_e164(text, proto);
  if (!fast) {
    if (auto e = lib.Parse(std::string(text), region, &proto); e != Util::NO_PARSING_ERROR) {
      return parse_failure(e);
    }
  }
  // IsValidNumber() is GetRegionCodeForNumber + IsValidNumberForRegion; doing them here
  // yields the region too. The compiled patterns give the same answers without the
  // library's regular expressions; it answers what they cannot compile.
  std::string nsn;
  if (fast) {
    nsn.assign(text.substr(1 + std::to_string(proto.country_code()).size()));
  } else {
    lib.GetNationalSignificantNumber(proto, &nsn);
  }
  std::string number_region;
  bool valid = false;
  if (auto verdict = detail::classify(proto.country_code(), nsn)) {
    number_region = std::move(verdict->region);
    valid = verdict->valid;
  } else {
    lib.GetRegionCodeForNumber(proto, &number_region);
    valid = lib.IsValidNumberForRegion(proto, number_region);
  }
  if (!valid) return invalid_number(proto, std::move(number_region));
  std::string e164;
  if (fast) {
    e164.assign(text);  // the fast path only accepts input that already is E.164
  } else {
    lib.Format(proto, Util::E164, &e164);
  }
  return PhoneNumber(std::move(e164), proto.country_code(), std::move(number_region));
}

NumberType PhoneNumber::type() const {
  return from_lib(util().GetNumberType(to_proto(country_code_, e164_)));
}

std::vector<std::string> PhoneNumber::time_zones() const {
  auto out = region_time_zones(region_);
  if (out.empty()) return {"Etc/Unknown"};  // non-geographic numbers ("001"), as libphonenumber
  return out;
}

std::vector<std::string> PhoneNumber::region_time_zones(std::string_view region) {
  std::string_view zones = detail::zones_for_region(region);
  std::vector<std::string> out;
  while (!zones.empty()) {
    const std::size_t space = zones.find(' ');
    out.emplace_back(zones.substr(0, space));
    zones = space == std::string_view::npos ? std::string_view{} : zones.substr(space + 1);
  }
  return out;
}

std::string PhoneNumber::mask_e164(std::string_view e164) {
  constexpr std::size_t kKeepFront = 5, kKeepBack = 3, kKeepBackShort = 2;
  std::string out(e164);
  const std::size_t start = !out.empty() && out[0] == '+' ? 1 : 0;
  const std::size_t digits = out.size() - start;
  // At least one digit must be hidden between the kept ends, else mask all but the last 2.
  const bool long_enough = digits > kKeepFront + kKeepBack;
  const std::size_t from = long_enough ? start + kKeepFront : start;
  const std::size_t to = out.size() - std::min(digits, long_enough ? kKeepBack : kKeepBackShort);
  for (std::size_t i = from; i < to; ++i) out[i] = '*';
  return out;
}

const char* number_type_name(NumberType t) noexcept {
  switch (t) {
    case NumberType::mobile: return "mobile";
    case NumberType::fixed_line: return "fixed_line";
    case NumberType::fixed_line_or_mobile: return "fixed_line_or_mobile";
    case NumberType::toll_free: return "toll_free";
    case NumberType::premium_rate: return "premium_rate";
    case NumberType::shared_cost: return "shared_cost";
    case NumberType::voip: return "voip";
    case NumberType::personal_number: return "personal_number";
    case NumberType::pager: return "pager";
    case NumberType::uan: return "uan";
    case NumberType::voicemail: return "voicemail";
    case NumberType::unknown: break;
  }
  return "unknown";
}

}  // namespace diskret::phone
