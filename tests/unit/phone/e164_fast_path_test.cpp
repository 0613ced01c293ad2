// The fast path must give exactly what the full libphonenumber path gives. These tests
// compare both on hand-picked numbers, on every example number libphonenumber ships and on
// random digit strings for every calling code.
#include "phone/e164_fast_path.hpp"

#include <optional>
#include <random>
#include <set>

#include <gtest/gtest.h>
#include <phonenumbers/phonenumberutil.h>

#include "phone/phone_number.hpp"

namespace diskret::phone {
namespace {

namespace pn = i18n::phonenumbers;
using Util = pn::PhoneNumberUtil;
using detail::PhoneNumberProto;

const Util& util() { return *Util::GetInstance(); }

bool same_proto(const PhoneNumberProto& a, const PhoneNumberProto& b) {
  return a.SerializeAsString() == b.SerializeAsString();
}

// The full path: Parse + IsValidNumber + Format(E164), as the library documents it.
std::optional<std::string> slow_e164(const std::string& text) {
  PhoneNumberProto proto;
  if (util().Parse(text, "DE", &proto) != Util::NO_PARSING_ERROR) return std::nullopt;
  if (!util().IsValidNumber(proto)) return std::nullopt;
  std::string out;
  util().Format(proto, Util::E164, &out);
  return out;
}

// Compares one input on both paths; returns whether the fast path took it.
bool expect_agreement(const std::string& text) {
  PhoneNumberProto fast;
  const bool took = detail::build_from_e164(text, fast);
  if (took) {
    PhoneNumberProto slow;
    EXPECT_EQ(util().Parse(text, "DE", &slow), Util::NO_PARSING_ERROR) << text;
    EXPECT_TRUE(same_proto(fast, slow)) << text;
  }
  auto ours = PhoneNumber::parse(text, Region{"DE"});
  auto reference = slow_e164(text);
  EXPECT_EQ(ours.has_value(), reference.has_value()) << text;
  if (ours && reference) {
    EXPECT_EQ(ours->e164(), *reference) << text;
  }
  return took;
}

TEST(E164FastPath, AgreesWithFullParseOnNumbersFromManyCountries) {
  struct Case {
    const char* e164;
    bool valid;
    bool fast;
  };
  const Case cases[] = {
      {"+4915112345678", true, true},   // DE mobile
      {"+49301234567", true, true},     // DE Berlin
      {"+436641234567", true, true},    // AT mobile
      {"+41781234567", true, true},     // CH mobile
      {"+447400123456", true, true},    // GB mobile
      {"+16502530000", true, true},     // US fixed line or mobile
      {"+33612345678", true, true},     // FR mobile
      {"+393123456789", true, true},    // IT mobile
      {"+390612345678", true, false},   // IT Rome: leading zero, full path
      {"+31612345678", true, true},     // NL mobile
      {"+905012345678", true, true},    // TR mobile
      {"+5511961234567", true, true},   // BR Sao Paulo mobile
      {"+919876543210", true, true},    // IN mobile
      {"+4912345678", false, true},     // DE, parses but is not valid
      {"+49151123", false, true},       // too short (8 digits: the shortest fast-path input)
      {"+49015112345678", true, false}, // national prefix after the calling code
      {"+116502530000", true, false},   // NANP "1" national prefix after the calling code
  };
  for (const auto& c : cases) {
    const bool took = expect_agreement(c.e164);
    EXPECT_EQ(PhoneNumber::parse(c.e164, Region{"DE"}).has_value(), c.valid) << c.e164;
    EXPECT_EQ(took, c.fast) << c.e164;
  }
}

TEST(E164FastPath, AgreesOnEveryExampleNumberOfEveryRegionAndType) {
  std::set<std::string> regions;
  util().GetSupportedRegions(&regions);
  std::vector<PhoneNumberProto> examples;
  for (const auto& region : regions) {
    std::set<Util::PhoneNumberType> types;
    util().GetSupportedTypesForRegion(region, &types);
    for (auto type : types) {
      PhoneNumberProto p;
      if (util().GetExampleNumberForType(region, type, &p)) examples.push_back(p);
    }
  }
  std::set<int> global;
  util().GetSupportedGlobalNetworkCallingCodes(&global);
  for (int cc : global) {
    PhoneNumberProto p;
    if (util().GetExampleNumberForNonGeoEntity(cc, &p)) examples.push_back(p);
  }
  ASSERT_GT(examples.size(), 1000u);
  std::size_t fast = 0;
  for (const auto& p : examples) {
    std::string e164;
    util().Format(p, Util::E164, &e164);
    fast += expect_agreement(e164) ? 1 : 0;
  }
  // Most numbers must take the fast path, or it has silently stopped working.
  EXPECT_GT(fast * 10, examples.size() * 7) << fast << " of " << examples.size();
}

TEST(E164FastPath, AgreesOnRandomDigitsForEveryCallingCode) {
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<int> digit(0, 9);
  std::set<int> codes;
  util().GetSupportedCallingCodes(&codes);
  int fast = 0;
  for (int cc : codes) {
    for (int len = 8; len <= 15; ++len) {
      std::string text = "+" + std::to_string(cc);
      while (text.size() < static_cast<std::size_t>(len) + 1) {
        text += static_cast<char>('0' + digit(rng));
      }
      fast += expect_agreement(text) ? 1 : 0;
    }
  }
  EXPECT_GT(fast, 500);
}

TEST(E164FastPath, DeclinesAnythingButStrictE164) {
  PhoneNumberProto p;
  for (const char* text :
       {"4915112345678", "+49 151 12345678", "+49-15112345678", "+4915112345678 ",
        "+4915112345678901", "+4915112", "+0915112345678", "+9991234567", "", "+",
        "+４915112345678"}) {
    EXPECT_FALSE(detail::build_from_e164(text, p)) << text;
  }
}

}  // namespace
}  // namespace diskret::phone
