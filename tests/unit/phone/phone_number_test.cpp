#include "phone/phone_number.hpp"

#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace diskret::phone {
namespace {

const Region kDE{"DE"};

std::string e164_of(std::string_view text, const Region& region = kDE) {
  auto n = PhoneNumber::parse(text, region);
  return n ? n->e164() : "error: " + n.error().message();
}

TEST(PhoneNumber, NormalisesCommonGermanNotations) {
  for (const char* text : {"0151 1234 5678", "+49 151 12345678", "0049 151 12345678",
                           "+49 (0)151 12345678", "0151-1234-5678", "0151/12345678",
                           "0151.1234.5678", "+4915112345678", "  0151 12345678  "}) {
    EXPECT_EQ(e164_of(text), "+4915112345678") << text;
  }
  for (const char* text : {"(030) 1234567", "030 123 4567", "030/1234567", "030-123-4567",
                           "+49 30 1234567"}) {
    EXPECT_EQ(e164_of(text), "+49301234567") << text;
  }
}

TEST(PhoneNumber, ParsesOtherRegionsAndKeepsForeignNumbers) {
  EXPECT_EQ(e164_of("(650) 253-0000", Region{"US"}), "+16502530000");
  EXPECT_EQ(e164_of("06 12 34 56 78", Region{"FR"}), "+33612345678");
  EXPECT_EQ(e164_of("06 1234 5678", Region{"IT"}), "+390612345678");  // leading zero kept
  EXPECT_EQ(e164_of("+33 6 12 34 56 78"), "+33612345678");            // default DE ignored
  EXPECT_EQ(e164_of("0151 12345678", Region{"de"}), "+4915112345678");
}

TEST(PhoneNumber, ReportsRegionAndCountryCode) {
  auto de = PhoneNumber::parse("0151 12345678", kDE).value();
  EXPECT_EQ(de.region(), "DE");
  EXPECT_EQ(de.country_code(), 49);
  auto ca = PhoneNumber::parse("+1 416 555 0123", kDE);
  ASSERT_TRUE(ca.has_value()) << ca.error().message();
  EXPECT_EQ(ca->region(), "CA");  // shares +1 with the US
  EXPECT_EQ(ca->country_code(), 1);
}

void expect_error(std::string_view text, Errc code, const Region& region = kDE) {
  auto n = PhoneNumber::parse(text, region);
  ASSERT_FALSE(n.has_value()) << text;
  EXPECT_EQ(n.error().code, code) << text << ": " << n.error().message();
  // No personal data in error texts: none of the number's digit runs may appear.
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (digits.size() >= 4) {
    EXPECT_EQ(n.error().detail.find(digits.substr(digits.size() - 4)), std::string::npos);
  }
}

TEST(PhoneNumber, RejectsWithLibphonenumbersReason) {
  expect_error("+999 1234567", Errc::invalid_country_code);
  expect_error("hello", Errc::not_a_number);
  expect_error("", Errc::not_a_number);
  expect_error("+49 1", Errc::too_short_nsn);
  expect_error("0049", Errc::too_short_after_idd);
  expect_error("+49 1234567890123456789", Errc::too_long);
  expect_error("0151 12345678", Errc::unknown_region, Region{"XX"});
  expect_error("0151 12345678", Errc::unknown_region, Region{""});
  expect_error("0151 12345678", Errc::unknown_region, Region{"001"});
}

TEST(PhoneNumber, RejectsInvalidNumbersNamingTheRegion) {
  auto n = PhoneNumber::parse("+49 12345678", kDE);
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().code, Errc::invalid_number);
  EXPECT_EQ(n.error().detail.rfind("not a valid number for DE", 0), 0u) << n.error().detail;
  // IsPossibleNumberWithReason refines the detail where it can (France: 9 digits only).
  auto short_one = PhoneNumber::parse("06 12", Region{"FR"});
  ASSERT_FALSE(short_one.has_value());
  EXPECT_EQ(short_one.error().code, Errc::invalid_number);
  EXPECT_EQ(short_one.error().detail, "not a valid number for FR (too short)");
  auto long_one = PhoneNumber::parse("06 12 34 56 78 9", Region{"FR"});
  ASSERT_FALSE(long_one.has_value());
  EXPECT_EQ(long_one.error().detail, "not a valid number for FR (too long)");
  expect_error("+49 12345678", Errc::invalid_number);
  expect_error("+1 123 456 7890", Errc::invalid_number);
}

TEST(PhoneNumber, TellsMobileFromFixedLine) {
  EXPECT_EQ(PhoneNumber::parse("0151 12345678", kDE)->type(), NumberType::mobile);
  EXPECT_EQ(PhoneNumber::parse("030 1234567", kDE)->type(), NumberType::fixed_line);
  EXPECT_EQ(PhoneNumber::parse("+390612345678", kDE)->type(), NumberType::fixed_line);
  EXPECT_EQ(PhoneNumber::parse("+16502530000", kDE)->type(), NumberType::fixed_line_or_mobile);
  EXPECT_STREQ(number_type_name(NumberType::mobile), "mobile");
  EXPECT_STREQ(number_type_name(NumberType::fixed_line_or_mobile), "fixed_line_or_mobile");
}

TEST(PhoneNumber, ListsTimeZones) {
  using V = std::vector<std::string>;
  EXPECT_EQ(PhoneNumber::parse("030 1234567", kDE)->time_zones(), V{"Europe/Berlin"});
  EXPECT_EQ(PhoneNumber::parse("0151 12345678", kDE)->time_zones(), V{"Europe/Berlin"});
  auto us = PhoneNumber::parse("+16502530000", kDE)->time_zones();
  EXPECT_EQ(us.front(), "America/New_York");
  EXPECT_NE(std::find(us.begin(), us.end(), "America/Los_Angeles"), us.end());
  EXPECT_NE(std::find(us.begin(), us.end(), "Pacific/Honolulu"), us.end());
  EXPECT_EQ(PhoneNumber::parse("+1 876 812 3456", kDE)->time_zones(), V{"America/Jamaica"});
  EXPECT_EQ(PhoneNumber::parse("+80012345678", kDE)->time_zones(), V{"Etc/Unknown"});
}

TEST(PhoneNumber, MasksAllButCountryPrefixAndLastDigits) {
  EXPECT_EQ(PhoneNumber::mask_e164("+4915112345678"), "+49151*****678");
  EXPECT_EQ(PhoneNumber::mask_e164("+16502530000"), "+16502***000");
  EXPECT_EQ(PhoneNumber::mask_e164("+123456789"), "+12345*789");  // 9 digits: one hidden
  EXPECT_EQ(PhoneNumber::mask_e164("+12345678"), "+******78");    // too short to keep ends
  EXPECT_EQ(PhoneNumber::mask_e164("+12"), "+12");
  EXPECT_EQ(PhoneNumber::mask_e164("+1"), "+1");
  EXPECT_EQ(PhoneNumber::mask_e164(""), "");
  EXPECT_EQ(PhoneNumber::mask_e164("1234"), "**34");
}

TEST(PhoneNumber, FormatsMasked) {
  auto n = PhoneNumber::parse("0151 12345678", kDE).value();
  EXPECT_EQ(n.masked(), "+49151*****678");
  EXPECT_EQ(fmt::format("to {}", n), "to +49151*****678");
  EXPECT_EQ(fmt::format("{:>16}", n), "  +49151*****678");
}

TEST(PhoneNumber, ComparesByE164) {
  EXPECT_EQ(PhoneNumber::parse("0151 12345678", kDE).value(),
            PhoneNumber::parse("+4915112345678", kDE).value());
  EXPECT_FALSE(PhoneNumber::parse("0151 12345678", kDE).value() ==
               PhoneNumber::parse("0151 12345679", kDE).value());
}

TEST(PhoneNumber, ParsesConcurrently) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        auto text = fmt::format("0151 {:08}", 10000000 + t * 1000 + i);
        auto n = PhoneNumber::parse(i % 2 ? text : "+49" + text.substr(1).erase(3, 1), kDE);
        if (!n || n->e164() != "+49151" + std::to_string(10000000 + t * 1000 + i)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace diskret::phone
