#include "smsc_sim/mo_injector.hpp"

#include <gtest/gtest.h>

namespace diskret::smsc_sim {
namespace {

TEST(MoInjector, GsmTextGoesUnpackedWithDataCodingZero) {
  MoInjector mo;
  auto parts = mo.build({"+4915112345678", "12345", "STOP"});
  ASSERT_TRUE(parts) << parts.error().message();
  ASSERT_EQ(parts->size(), 1u);
  const auto& p = (*parts)[0];
  EXPECT_EQ(p.data_coding, 0);
  EXPECT_EQ(p.esm_class, 0);
  EXPECT_EQ(p.short_message, "STOP");
  EXPECT_EQ(p.source_addr, "4915112345678");
  EXPECT_EQ(p.source_addr_ton, 1);
  EXPECT_EQ(p.source_addr_npi, 1);
  EXPECT_EQ(p.destination_addr, "12345");
  EXPECT_EQ(p.dest_addr_ton, 0);
}

TEST(MoInjector, GsmSpecialCharactersUseGsmCodes) {
  MoInjector mo;
  auto parts = mo.build({"491", "2", "@"});
  ASSERT_TRUE(parts);
  EXPECT_EQ((*parts)[0].short_message, std::string(1, '\0'));  // '@' is GSM 0x00
}

TEST(MoInjector, OtherTextGoesUcs2) {
  MoInjector mo;
  auto parts = mo.build({"4915112345678", "12345", "\xd0\x9f\xd1\x80\xd0\xb8"});  // "При"
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].data_coding, 8);
  EXPECT_EQ((*parts)[0].short_message, std::string("\x04\x1f\x04\x40\x04\x38", 6));
}

TEST(MoInjector, LongTextIsSplitWithConcatenationUdh) {
  MoInjector mo;
  const std::string text(200, 'a');
  auto parts = mo.build({"4915112345678", "12345", text});
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 2u);
  std::string joined;
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& p = (*parts)[i];
    EXPECT_EQ(p.esm_class, 0x40);
    ASSERT_GE(p.short_message.size(), 6u);
    EXPECT_EQ(p.short_message.substr(0, 3), std::string("\x05\x00\x03", 3));
    EXPECT_EQ(static_cast<int>(p.short_message[4]), 2);
    EXPECT_EQ(static_cast<int>(p.short_message[5]), static_cast<int>(i + 1));
    joined += p.short_message.substr(6);
  }
  EXPECT_EQ((*parts)[0].short_message[3], (*parts)[1].short_message[3]);  // same reference
  EXPECT_EQ(joined, text);
}

TEST(MoInjector, ReferenceChangesBetweenMessages) {
  MoInjector mo;
  const std::string text(200, 'b');
  auto a = mo.build({"491", "2", text});
  auto b = mo.build({"491", "2", text});
  ASSERT_TRUE(a && b);
  EXPECT_NE((*a)[0].short_message[3], (*b)[0].short_message[3]);
}

TEST(MoInjector, RejectsEmptyOrBadInput) {
  MoInjector mo;
  EXPECT_FALSE(mo.build({"", "1", "x"}));
  EXPECT_FALSE(mo.build({"1", "1", ""}));
  EXPECT_FALSE(mo.build({"1", "1", "\xff\xfe"}));
  EXPECT_FALSE(mo.build({std::string(21, '1'), "1", "x"}));
}

TEST(SmppAddressOf, ClassifiesWrittenAddresses) {
  EXPECT_EQ(to_smpp_address("+4915").ton, 1);
  EXPECT_EQ(to_smpp_address("+4915").digits, "4915");
  EXPECT_EQ(to_smpp_address("4915112345678").ton, 1);
  EXPECT_EQ(to_smpp_address("12345").ton, 0);
  EXPECT_EQ(to_smpp_address("Shop").ton, 5);
  EXPECT_EQ(to_smpp_address("Shop").npi, 0);
}

}  // namespace
}  // namespace diskret::smsc_sim
