#include "phone/prefix_pattern.hpp"

#include <gtest/gtest.h>

namespace diskret::phone::detail {
namespace {

std::uint16_t digits(std::initializer_list<int> ds) {
  std::uint16_t m = 0;
  for (int d : ds) m = static_cast<std::uint16_t>(m | (1u << d));
  return m;
}

TEST(PrefixPattern, LiteralPrefixes) {
  EXPECT_EQ(possible_first_digits("0"), digits({0}));
  EXPECT_EQ(possible_first_digits("8"), digits({8}));
  EXPECT_EQ(possible_first_digits("06"), digits({0}));
  EXPECT_EQ(possible_first_digits(""), 0);
}

TEST(PrefixPattern, ClassesAndAlternatives) {
  EXPECT_EQ(possible_first_digits("[08]"), digits({0, 8}));
  EXPECT_EQ(possible_first_digits("0|80?"), digits({0, 8}));
  EXPECT_EQ(possible_first_digits("1|([2-9]\\d{6})$"), digits({1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(possible_first_digits("([0-258]\\d{4})$"), digits({0, 1, 2, 5, 8}));
  EXPECT_EQ(possible_first_digits("0(?:[12]|4[45])|1"), digits({0, 1}));
}

TEST(PrefixPattern, OptionalPartsLetLaterAtomsStartAMatch) {
  // Argentina: "0?(?:(11|2...)15)?" can start with 0, 1 or 2, never with 9.
  EXPECT_EQ(possible_first_digits("0?(?:(11|2(?:2(?:02?|[13]))|3(?:3(?:2[79]|6)))15)?"),
            digits({0, 1, 2, 3}));
  EXPECT_EQ(possible_first_digits("(?:0|90)(?:(1[245]|99)(\\d{10,11}))?"), digits({0, 9}));
  EXPECT_EQ(possible_first_digits("a*[3-4]{0,2}5"), digits({3, 4, 5}));
  EXPECT_EQ(possible_first_digits("x5"), 0);  // a letter never matches a digit
}

TEST(PrefixPattern, UnknownSyntaxMeansAnyDigit) {
  EXPECT_EQ(possible_first_digits("(?=1)1"), kAllDigits);
  EXPECT_EQ(possible_first_digits("[^0]"), kAllDigits);
  EXPECT_EQ(possible_first_digits("(0"), kAllDigits);
  EXPECT_EQ(possible_first_digits("0)"), kAllDigits);
  EXPECT_EQ(possible_first_digits("\\w"), kAllDigits);
  EXPECT_EQ(possible_first_digits("."), kAllDigits);
}

}  // namespace
}  // namespace diskret::phone::detail
