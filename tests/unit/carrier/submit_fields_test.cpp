#include "carrier/submit_fields.hpp"

#include <gtest/gtest.h>

namespace diskret::carrier {
namespace {

using namespace std::chrono;

TEST(SubmitFields, ValidityPeriodIsAbsoluteUtc) {
  // 2024-03-05 07:08:09 UTC
  const SystemTime t = sys_days{year{2024} / March / 5} + hours{7} + minutes{8} + seconds{9};
  EXPECT_EQ(format_absolute_time(t), "240305070809000+");
  EXPECT_EQ(format_absolute_time(t + milliseconds{999}), "240305070809000+");
  EXPECT_EQ(format_absolute_time(sys_days{year{2031} / December / 31} + hours{23} + minutes{59} + seconds{59}),
            "311231235959000+");
  EXPECT_EQ(format_absolute_time(SystemTime{seconds{1'700'000'000}}).size(), 16u);
}

TEST(SubmitFields, DestinationDigitsDropPlus) {
  EXPECT_EQ(e164_digits("+4915112345678"), "4915112345678");
  EXPECT_EQ(e164_digits("4915112345678"), "4915112345678");
}

TEST(SubmitFields, MaskNumberKeepsPrefixAndLastThree) {
  EXPECT_EQ(mask_number("+4915112345678"), "+49151*****678");
  EXPECT_EQ(mask_number("4915112345678"), "49151*****678");
  EXPECT_EQ(mask_number("12345"), "***45");
  EXPECT_EQ(mask_number("12"), "**");
}

}  // namespace
}  // namespace diskret::carrier
