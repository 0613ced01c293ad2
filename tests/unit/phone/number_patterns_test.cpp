// The compiled patterns must answer exactly as libphonenumber does. These tests check the
// pattern compiler on hand-written cases, then compare classify() with the library's
// GetRegionCodeForNumber + IsValidNumberForRegion on every example number it ships (and
// variations of them) and on random numbers for every calling code.
#include "phone/number_patterns.hpp"

#include <list>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>

namespace diskret::phone::detail {
namespace {

namespace pn = i18n::phonenumbers;
using Util = pn::PhoneNumberUtil;

const Util& util() { return *Util::GetInstance(); }

DigitPattern compiled(std::string_view regex) {
  auto p = DigitPattern::compile(regex);
  EXPECT_TRUE(p.has_value()) << regex;
  return p ? *p : *DigitPattern::compile("0");
}

TEST(DigitPatternTest, MatchesWholeStringsOfTheLanguage) {
  const auto p = compiled("1(?:5[0-25-9]\\d{8}|6[023]\\d{7,8}|7\\d{8})");
  EXPECT_TRUE(p.matches("15112345678"));
  EXPECT_TRUE(p.matches("1601234567"));
  EXPECT_TRUE(p.matches("16012345678"));
  EXPECT_FALSE(p.matches("160123456789"));  // one digit too many
  EXPECT_FALSE(p.matches("15312345678"));   // 3 is not in [0-25-9]
  EXPECT_FALSE(p.matches("1511234567"));    // one too few
  EXPECT_FALSE(p.matches(""));
  EXPECT_FALSE(p.matches("1511234567a"));
}

TEST(DigitPatternTest, QuantifiersAndClasses) {
  EXPECT_TRUE(compiled("\\d{2,}").matches("123456"));
  EXPECT_FALSE(compiled("\\d{2,}").matches("1"));
  EXPECT_TRUE(compiled("12?3").matches("13"));
  EXPECT_TRUE(compiled("12?3").matches("123"));
  EXPECT_TRUE(compiled("1*2+").matches("2"));
  EXPECT_FALSE(compiled("1*2+").matches("1"));
  EXPECT_TRUE(compiled("[^0-8]").matches("9"));
  EXPECT_FALSE(compiled("[^0-8]").matches("5"));
  EXPECT_TRUE(compiled("(?:12){2}").matches("1212"));
  EXPECT_TRUE(compiled("(12)|3").matches("3"));
  EXPECT_TRUE(compiled("\\d{1,3}?").matches("12"));  // lazy: the same strings
  EXPECT_TRUE(compiled("1|").matches(""));          // an empty branch
}

TEST(DigitPatternTest, PrefixMatchIsLookingAt) {
  const auto p = compiled("268|8(?:00|55)");
  EXPECT_TRUE(p.matches_prefix("2684601234"));
  EXPECT_TRUE(p.matches_prefix("8551234"));
  EXPECT_FALSE(p.matches_prefix("8561234"));
  EXPECT_FALSE(p.matches_prefix("26"));
  EXPECT_TRUE(compiled("1?").matches_prefix("9"));  // the empty prefix matches
}

TEST(DigitPatternTest, RefusesWhatItDoesNotUnderstand) {
  for (const char* bad : {"^1", "1$", "a", "(?=1)", "1++", "[a-z]", "\\s", "(1", "1)", "[1",
                          "1{3,2}", "1{", "\\"}) {
    EXPECT_FALSE(DigitPattern::compile(bad).has_value()) << bad;
  }
  EXPECT_FALSE(DigitPattern::compile("\\d{64}\\d{64}\\d{64}", 16).has_value());  // too many states
}

// The library's answer for a national significant number under calling code `cc`.
NumberVerdict library(int cc, const std::string& nsn) {
  pn::PhoneNumber proto;
  proto.set_country_code(cc);
  std::size_t zeros = 0;
  while (zeros + 1 < nsn.size() && nsn[zeros] == '0') ++zeros;
  if (zeros > 0) {
    proto.set_italian_leading_zero(true);
    if (zeros > 1) proto.set_number_of_leading_zeros(static_cast<int>(zeros));
  }
  proto.set_national_number(std::stoull(nsn));
  NumberVerdict v;
  util().GetRegionCodeForNumber(proto, &v.region);
  v.valid = util().IsValidNumberForRegion(proto, v.region);
  return v;
}

struct Tally {
  int compared = 0, valid = 0;
};

void expect_agreement(int cc, const std::string& nsn, Tally& tally) {
  const auto ours = classify(cc, nsn);
  ASSERT_TRUE(ours.has_value()) << "+" << cc << " " << nsn << ": a pattern did not compile";
  const NumberVerdict lib = library(cc, nsn);
  EXPECT_EQ(ours->region, lib.region) << "+" << cc << " " << nsn;
  EXPECT_EQ(ours->valid, lib.valid) << "+" << cc << " " << nsn;
  ++tally.compared;
  if (lib.valid) ++tally.valid;
}

std::vector<int> calling_codes() {
  std::vector<int> out;
  for (int cc = 1; cc <= 999; ++cc) {
    std::list<std::string> regions;
    util().GetRegionCodesForCountryCallingCode(cc, &regions);
    if (!regions.empty()) out.push_back(cc);
  }
  return out;
}

TEST(NumberPatternsTest, AgreesWithTheLibraryOnItsExampleNumbersAndVariations) {
  std::mt19937_64 rng(20261130);
  Tally tally;
  for (const auto& m : metadata_collection().metadata()) {
    for (const pn::PhoneNumberDesc* d :
         {&m.fixed_line(), &m.mobile(), &m.toll_free(), &m.premium_rate(), &m.shared_cost(),
          &m.personal_number(), &m.voip(), &m.pager(), &m.uan(), &m.voicemail()}) {
      const std::string& example = d->example_number();
      if (example.empty()) continue;
      expect_agreement(m.country_code(), example, tally);
      // The same prefix with other last digits, one digit shorter and one longer.
      for (int i = 0; i < 8; ++i) {
        std::string n = example;
        const std::size_t keep = n.size() / 2 + rng() % (n.size() / 2 + 1);
        for (std::size_t k = keep; k < n.size(); ++k) n[k] = static_cast<char>('0' + rng() % 10);
        if (i == 6 && n.size() > 2) n.pop_back();
        if (i == 7) n.push_back(static_cast<char>('0' + rng() % 10));
        expect_agreement(m.country_code(), n, tally);
      }
    }
  }
  EXPECT_GT(tally.compared, 10'000);
  EXPECT_GT(tally.valid, tally.compared / 4);   // both outcomes well covered
  EXPECT_LT(tally.valid, tally.compared * 9 / 10);
}

TEST(NumberPatternsTest, AgreesWithTheLibraryOnRandomNumbersForEveryCallingCode) {
  std::mt19937_64 rng(7);
  Tally tally;
  for (int cc : calling_codes()) {
    for (int i = 0; i < 150; ++i) {
      const std::size_t length = 2 + rng() % 16;  // 2..17 digits, the library's NSN range
      std::string n;
      for (std::size_t k = 0; k < length; ++k) n.push_back(static_cast<char>('0' + rng() % 10));
      if (i % 3 != 0 && n[0] == '0') n[0] = '1';  // mostly no leading zero
      expect_agreement(cc, n, tally);
    }
  }
  EXPECT_GT(tally.compared, 30'000);
  EXPECT_GT(tally.valid, 100);
}

TEST(NumberPatternsTest, UnknownCallingCodesAndRegionsWithoutAMatch) {
  EXPECT_EQ(classify(999, "123456")->region, "ZZ");
  EXPECT_FALSE(classify(999, "123456")->valid);
  EXPECT_EQ(classify(0, "123456")->region, "ZZ");
  // +1 with an unassigned area code: no NANPA region claims it.
  EXPECT_EQ(classify(1, "0001234567")->region, library(1, "0001234567").region);
  EXPECT_EQ(classify(49, "15112345678")->region, "DE");
  EXPECT_TRUE(classify(49, "15112345678")->valid);
}

}  // namespace
}  // namespace diskret::phone::detail
