#include "phone/e164_fast_path.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "phone/number_patterns.hpp"
#include "phone/prefix_pattern.hpp"

namespace diskret::phone::detail {
namespace {

namespace pn = i18n::phonenumbers;

constexpr int kMaxCallingCode = 999;

struct CallingCode {
  bool known = false;                  // GetRegionCodeForCountryCode() is not "ZZ"
  std::uint16_t strip_digits = kAllDigits;  // first digits Parse() might strip; see header
};

// Mirrors the two metadata-driven decisions of Parse() for "+<digits>" input: which prefix
// is the calling code (ExtractCountryCode tries 1, 2, then 3 digits) and whether
// MaybeStripNationalPrefixAndCarrierCode could change the rest. Parse() consults the
// metadata of GetRegionCodeForCountryCode(cc) only (the main region, or "001"), so that
// is the metadata analysed here.
class Table {
 public:
  static const Table& get() {
    static const Table table;
    return table;
  }
  const CallingCode& operator[](int cc) const { return codes_[static_cast<std::size_t>(cc)]; }

 private:
  Table() {
    const pn::PhoneNumberUtil& util = *pn::PhoneNumberUtil::GetInstance();
    const pn::PhoneMetadataCollection& collection = metadata_collection();
    const bool have_metadata = collection.metadata_size() > 0;
    std::map<std::pair<std::string, int>, const pn::PhoneMetadata*> by_region;
    for (const auto& m : collection.metadata()) by_region[{m.id(), m.country_code()}] = &m;

    std::string region;
    for (int cc = 1; cc <= kMaxCallingCode; ++cc) {
      util.GetRegionCodeForCountryCode(cc, &region);
      CallingCode& entry = codes_[static_cast<std::size_t>(cc)];
      entry.known = region != "ZZ";
      if (!entry.known || !have_metadata) continue;  // without metadata: never fast
      auto it = by_region.find({region, cc});
      if (it == by_region.end()) continue;
      const pn::PhoneMetadata& m = *it->second;
      std::uint16_t digits = 0;
      if (!m.national_prefix_for_parsing().empty()) {
        digits |= possible_first_digits(m.national_prefix_for_parsing());
      }
      if (!m.national_prefix().empty()) digits |= possible_first_digits(m.national_prefix());
      entry.strip_digits = digits;
    }
  }

  std::array<CallingCode, kMaxCallingCode + 1> codes_{};
};

}  // namespace

bool build_from_e164(std::string_view text, PhoneNumberProto& out) {
  constexpr std::size_t kMinDigits = 8, kMaxDigits = 15;
  if (text.size() < 1 + kMinDigits || text.size() > 1 + kMaxDigits || text[0] != '+') {
    return false;
  }
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  // A calling code never starts with 0; Parse() reports INVALID_COUNTRY_CODE_ERROR.
  if (text[1] == '0') return false;

  const Table& table = Table::get();
  int cc = 0;
  std::size_t cc_len = 0;
  for (std::size_t i = 1; i <= 3; ++i) {
    cc = cc * 10 + (text[i] - '0');
    if (table[cc].known) {
      cc_len = i;
      break;
    }
  }
  if (cc_len == 0) return false;  // unknown calling code: Parse() gives the error

  const std::string_view national = text.substr(1 + cc_len);
  const int first = national[0] - '0';
  if (first == 0 || (table[cc].strip_digits & (1u << first)) != 0) return false;

  std::uint64_t value = 0;
  for (char c : national) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  out.Clear();
  out.set_country_code(cc);
  out.set_national_number(value);
  return true;
}

}  // namespace diskret::phone::detail
