#include "vault/card_number.hpp"

#include <chrono>

#include <gtest/gtest.h>

namespace diskret::vault {
namespace {

using namespace std::chrono;

// 2024-05-15 12:00 UTC.
SystemTime may_2024() { return sys_days{year{2024} / May / 15} + hours{12}; }

// A number of `length` digits starting with `prefix` whose last digit makes it Luhn-valid.
std::string luhn_number(std::string prefix, std::size_t length) {
  while (prefix.size() < length - 1) prefix += '0';
  for (char d = '0'; d <= '9'; ++d) {
    if (luhn_valid(prefix + d)) return prefix + d;
  }
  return {};
}

CardInput input(std::string_view number, std::string_view cvc = "123") {
  return CardInput{number, 12, 2030, cvc, "Erika Mustermann"};
}

TEST(Luhn, AcceptsKnownValidNumbers) {
  EXPECT_TRUE(luhn_valid("4242424242424242"));
  EXPECT_TRUE(luhn_valid("4000000000000002"));
  EXPECT_TRUE(luhn_valid("4000000000009995"));
  EXPECT_TRUE(luhn_valid("378282246310005"));
  EXPECT_TRUE(luhn_valid("5555555555554444"));
  EXPECT_TRUE(luhn_valid("79927398713"));  // the textbook example
}

TEST(Luhn, RejectsWrongCheckDigitAndNonDigits) {
  EXPECT_FALSE(luhn_valid("4242424242424241"));
  EXPECT_FALSE(luhn_valid("79927398710"));
  EXPECT_FALSE(luhn_valid(""));
  EXPECT_FALSE(luhn_valid("4242 4242 4242 4242"));
  EXPECT_FALSE(luhn_valid("42424242424242a2"));
}

TEST(Luhn, DetectsEverySingleDigitChange) {
  const std::string good = "4242424242424242";
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == good[i]) continue;
      std::string bad = good;
      bad[i] = d;
      EXPECT_FALSE(luhn_valid(bad)) << bad;
    }
  }
}

struct BrandCase {
  const char* prefix;
  std::optional<Brand> brand;
};

class BrandRanges : public ::testing::TestWithParam<BrandCase> {};

TEST_P(BrandRanges, MapsIinToBrand) {
  const auto& c = GetParam();
  EXPECT_EQ(brand_of(std::string(c.prefix) + "000000000000"), c.brand) << c.prefix;
}

INSTANTIATE_TEST_SUITE_P(
    Iin, BrandRanges,
    ::testing::Values(
        BrandCase{"4", Brand::visa}, BrandCase{"49", Brand::visa},
        BrandCase{"51", Brand::mastercard}, BrandCase{"55", Brand::mastercard},
        BrandCase{"2221", Brand::mastercard}, BrandCase{"2500", Brand::mastercard},
        BrandCase{"2720", Brand::mastercard}, BrandCase{"2220", std::nullopt},
        BrandCase{"2721", std::nullopt}, BrandCase{"34", Brand::amex}, BrandCase{"37", Brand::amex},
        BrandCase{"35", std::nullopt}, BrandCase{"6011", Brand::discover},
        BrandCase{"644", Brand::discover}, BrandCase{"649", Brand::discover},
        BrandCase{"65", Brand::discover}, BrandCase{"3528", Brand::jcb}, BrandCase{"3589", Brand::jcb},
        BrandCase{"3527", std::nullopt}, BrandCase{"3590", std::nullopt},
        BrandCase{"300", Brand::diners}, BrandCase{"305", Brand::diners},
        BrandCase{"3095", Brand::diners}, BrandCase{"36", Brand::diners},
        BrandCase{"38", Brand::diners}, BrandCase{"39", Brand::diners},
        BrandCase{"306", std::nullopt}, BrandCase{"62", Brand::unionpay},
        BrandCase{"50", Brand::maestro}, BrandCase{"56", Brand::maestro},
        BrandCase{"58", Brand::maestro}, BrandCase{"6012", Brand::maestro},
        BrandCase{"643", Brand::maestro}, BrandCase{"6304", Brand::maestro},
        BrandCase{"6759", Brand::maestro}, BrandCase{"69", Brand::maestro},
        BrandCase{"1", std::nullopt}, BrandCase{"7", std::nullopt}, BrandCase{"8", std::nullopt},
        BrandCase{"9", std::nullopt}, BrandCase{"0", std::nullopt}));

TEST(BrandTable, NamesRoundTrip) {
  for (Brand b : {Brand::visa, Brand::mastercard, Brand::amex, Brand::discover, Brand::jcb,
                  Brand::diners, Brand::unionpay, Brand::maestro}) {
    EXPECT_EQ(parse_brand(brand_name(b)), b);
  }
  EXPECT_EQ(brand_name(Brand::amex), "amex");
  EXPECT_FALSE(parse_brand("Visa"));
}

TEST(BrandTable, TooShortInputHasNoBrand) {
  EXPECT_EQ(brand_of(""), std::nullopt);
  EXPECT_EQ(brand_of("3"), std::nullopt);
  EXPECT_EQ(brand_of("x4"), std::nullopt);
}

TEST(CardLength, FollowsEachBrand) {
  EXPECT_TRUE(length_allowed(Brand::visa, 13));
  EXPECT_TRUE(length_allowed(Brand::visa, 16));
  EXPECT_TRUE(length_allowed(Brand::visa, 19));
  EXPECT_FALSE(length_allowed(Brand::visa, 15));
  EXPECT_FALSE(length_allowed(Brand::visa, 18));
  EXPECT_TRUE(length_allowed(Brand::mastercard, 16));
  EXPECT_FALSE(length_allowed(Brand::mastercard, 19));
  EXPECT_TRUE(length_allowed(Brand::amex, 15));
  EXPECT_FALSE(length_allowed(Brand::amex, 16));
  for (std::size_t n = 12; n <= 19; ++n) EXPECT_TRUE(length_allowed(Brand::maestro, n)) << n;
  EXPECT_FALSE(length_allowed(Brand::maestro, 11));
  EXPECT_FALSE(length_allowed(Brand::maestro, 20));
  EXPECT_TRUE(length_allowed(Brand::diners, 14));
  EXPECT_FALSE(length_allowed(Brand::discover, 15));
  EXPECT_FALSE(length_allowed(Brand::jcb, 15));
  EXPECT_FALSE(length_allowed(Brand::unionpay, 15));
  EXPECT_FALSE(length_allowed(Brand::visa, 200));
}

TEST(CardCvc, AmexHasFourDigitsOthersThree) {
  EXPECT_EQ(cvc_length(Brand::amex), 4u);
  EXPECT_EQ(cvc_length(Brand::visa), 3u);
  EXPECT_EQ(cvc_length(Brand::maestro), 3u);
}

TEST(ValidateCard, AcceptsTestCardsAndKeepsOnlyDigits) {
  FakeClock clock(may_2024());
  auto card = validate_card(input("4242 4242-4242 4242"), clock);
  ASSERT_TRUE(card) << card.error().front().field;
  EXPECT_EQ(card->pan.view(), "4242424242424242");
  EXPECT_EQ(card->brand, Brand::visa);
  EXPECT_EQ(card->first6(), "424242");
  EXPECT_EQ(card->last4(), "4242");
  EXPECT_EQ(card->cvc.view(), "123");
  EXPECT_EQ(card->exp_month, 12);
  EXPECT_EQ(card->exp_year, 2030);
  EXPECT_EQ(card->holder, "Erika Mustermann");
}

TEST(ValidateCard, AcceptsAGeneratedNumberOfEveryBrandAndLength) {
  FakeClock clock(may_2024());
  struct Case {
    const char* prefix;
    std::size_t length;
    Brand brand;
  };
  for (auto c : {Case{"4", 13, Brand::visa}, Case{"4", 19, Brand::visa},
                 Case{"2221", 16, Brand::mastercard}, Case{"37", 15, Brand::amex},
                 Case{"6011", 19, Brand::discover}, Case{"3530", 16, Brand::jcb},
                 Case{"36", 14, Brand::diners}, Case{"62", 17, Brand::unionpay},
                 Case{"6759", 12, Brand::maestro}}) {
    const auto number = luhn_number(c.prefix, c.length);
    const std::string cvc(cvc_length(c.brand), '7');
    auto card = validate_card(input(number, cvc), clock);
    ASSERT_TRUE(card) << number << ": " << card.error().front().reason;
    EXPECT_EQ(card->brand, c.brand);
  }
}

TEST(ValidateCard, NamesTheNumberProblem) {
  FakeClock clock(may_2024());
  auto reason = [&](std::string_view number, std::string_view cvc = "123") {
    auto card = validate_card(input(number, cvc), clock);
    EXPECT_FALSE(card);
    if (card) return std::string();
    EXPECT_EQ(card.error().size(), 1u) << number << ": " << card.error().back().field;
    EXPECT_EQ(card.error().front().field, "number");
    return card.error().front().reason;
  };
  EXPECT_EQ(reason(""), "is required");
  EXPECT_EQ(reason(" - "), "is required");
  EXPECT_EQ(reason("4242x4242424242424"), "must contain only digits, spaces and dashes");
  EXPECT_EQ(reason("42424242424"), "must have 12 to 19 digits");
  EXPECT_EQ(reason("42424242424242424242"), "must have 12 to 19 digits");
  EXPECT_EQ(reason(std::string(40, '4')), "must have 12 to 19 digits");
  EXPECT_EQ(reason(luhn_number("9", 16)), "is not from a supported card brand");
  EXPECT_EQ(reason(luhn_number("4", 15)), "has 15 digits; a visa card number has 13, 16, 19");
  EXPECT_EQ(reason(luhn_number("34", 16), "1234"), "has 16 digits; a amex card number has 15");
  EXPECT_EQ(reason("4242424242424241"), "fails the check digit (Luhn)");
}

TEST(ValidateCard, ChecksCvcLengthPerBrand) {
  FakeClock clock(may_2024());
  auto amex = luhn_number("37", 15);
  EXPECT_TRUE(validate_card(input(amex, "1234"), clock));
  auto short_amex = validate_card(input(amex, "123"), clock);
  ASSERT_FALSE(short_amex);
  EXPECT_EQ(short_amex.error(),
            (CardFieldErrors{{"cvc", "must have 4 digits for a amex card"}}));
  auto long_visa = validate_card(input("4242424242424242", "1234"), clock);
  ASSERT_FALSE(long_visa);
  EXPECT_EQ(long_visa.error().front().field, "cvc");
  auto letters = validate_card(input("4242424242424242", "12a"), clock);
  ASSERT_FALSE(letters);
  EXPECT_EQ(letters.error().front().reason, "must contain only digits");
  auto missing = validate_card(input("4242424242424242", ""), clock);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().front().reason, "is required");
}

TEST(ValidateCard, ExpiryIsValidThroughTheEndOfItsMonth) {
  FakeClock clock(may_2024());
  auto with = [](std::int64_t month, std::int64_t year) {
    return CardInput{"4242424242424242", month, year, "123", "A"};
  };
  EXPECT_TRUE(validate_card(with(5, 2024), clock));
  EXPECT_TRUE(validate_card(with(5, 24), clock));  // two-digit year
  auto april = validate_card(with(4, 2024), clock);
  ASSERT_FALSE(april);
  EXPECT_EQ(april.error(), (CardFieldErrors{{"exp_month", "the card has expired"}}));
  auto last_year = validate_card(with(12, 2023), clock);
  ASSERT_FALSE(last_year);
  EXPECT_EQ(last_year.error(), (CardFieldErrors{{"exp_year", "the card has expired"}}));

  // Last second of May 2024 is still fine; one second later the card is expired.
  clock.set(sys_days{year{2024} / June / 1} - seconds{1});
  EXPECT_TRUE(validate_card(with(5, 2024), clock));
  clock.advance(milliseconds{1000});
  EXPECT_FALSE(validate_card(with(5, 2024), clock));
}

TEST(ValidateCard, RejectsImpossibleExpiryValues) {
  FakeClock clock(may_2024());
  auto errors = [&](std::optional<std::int64_t> m, std::optional<std::int64_t> y) {
    auto card = validate_card(CardInput{"4242424242424242", m, y, "123", "A"}, clock);
    return card ? CardFieldErrors{} : card.error();
  };
  EXPECT_EQ(errors(0, 2030), (CardFieldErrors{{"exp_month", "must be 1 to 12"}}));
  EXPECT_EQ(errors(13, 2030), (CardFieldErrors{{"exp_month", "must be 1 to 12"}}));
  EXPECT_EQ(errors(std::nullopt, 2030), (CardFieldErrors{{"exp_month", "is required"}}));
  EXPECT_EQ(errors(1, std::nullopt), (CardFieldErrors{{"exp_year", "is required"}}));
  EXPECT_EQ(errors(1, 123), (CardFieldErrors{{"exp_year", "must be a four-digit year"}}));
  EXPECT_EQ(errors(1, 1999), (CardFieldErrors{{"exp_year", "must be a four-digit year"}}));
  EXPECT_EQ(errors(1, 2045), (CardFieldErrors{{"exp_year", "must be at most 20 years ahead"}}));
  EXPECT_TRUE(errors(1, 2044).empty());
}

TEST(ValidateCard, ChecksHolder) {
  FakeClock clock(may_2024());
  auto holder_errors = [&](std::string_view holder) {
    auto card = validate_card(CardInput{"4242424242424242", 1, 2030, "123", holder}, clock);
    return card ? CardFieldErrors{} : card.error();
  };
  EXPECT_EQ(holder_errors("   "), (CardFieldErrors{{"holder", "is required"}}));
  EXPECT_EQ(holder_errors("A\nB"), (CardFieldErrors{{"holder", "must not contain control characters"}}));
  EXPECT_EQ(holder_errors(std::string(101, 'a')),
            (CardFieldErrors{{"holder", "must be at most 100 characters"}}));
  // 100 characters of two bytes each are still 100 characters.
  std::string umlauts;
  for (int i = 0; i < 100; ++i) umlauts += "\xc3\xa4";
  EXPECT_TRUE(holder_errors(umlauts).empty());
  auto card = validate_card(CardInput{"4242424242424242", 1, 2030, "123", "  Jürgen Groß "}, clock);
  ASSERT_TRUE(card);
  EXPECT_EQ(card->holder, "Jürgen Groß");
}

TEST(ValidateCard, ReportsEveryFieldAtOnceInFieldOrder) {
  FakeClock clock(may_2024());
  auto card = validate_card(CardInput{"1234", 0, 1, "x", ""}, clock);
  ASSERT_FALSE(card);
  std::vector<std::string> fields;
  for (const auto& e : card.error()) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"number", "exp_month", "exp_year", "cvc", "holder"}));
}

TEST(ValidateCard, ReasonsNeverContainTheNumber) {
  FakeClock clock(may_2024());
  for (std::string_view n : {"4242424242424241", "9242424242424242", "424242424242424"}) {
    auto card = validate_card(input(n), clock);
    ASSERT_FALSE(card);
    for (const auto& e : card.error()) EXPECT_EQ(e.reason.find("424242"), std::string::npos);
  }
}

TEST(SensitiveDigits, MoveWipesTheSourceAndCapacityIsFixed) {
  SensitiveDigits a;
  for (char c : std::string_view("4242424242424242")) ASSERT_TRUE(a.push_back(c));
  SensitiveDigits b = std::move(a);
  EXPECT_EQ(b.view(), "4242424242424242");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the move is defined to wipe
  SensitiveDigits full;
  for (std::size_t i = 0; i < SensitiveDigits::kCapacity; ++i) ASSERT_TRUE(full.push_back('1'));
  EXPECT_FALSE(full.push_back('1'));
  full.clear();
  EXPECT_TRUE(full.empty());
}

TEST(IsExpired, ComparesYearThenMonth) {
  const auto now = may_2024();
  EXPECT_FALSE(is_expired(5, 2024, now));
  EXPECT_TRUE(is_expired(4, 2024, now));
  EXPECT_TRUE(is_expired(12, 2023, now));
  EXPECT_FALSE(is_expired(1, 2025, now));
}

}  // namespace
}  // namespace diskret::vault
