#include "inbound/inbound_number.hpp"

#include <gtest/gtest.h>

namespace diskret::inbound {
namespace {

TEST(InboundNumber, ParsesLongNumbersInCommonNotations) {
  for (const char* text :
       {"+49 151 12345678", "0049 151 12345678", "0151/12345678", "+49-151-1234-5678"}) {
    auto n = parse_inbound_number(text, "DE");
    ASSERT_TRUE(n) << text << ": " << n.error().message();
    EXPECT_EQ(n->value, "+4915112345678");
    EXPECT_EQ(n->kind, NumberKind::long_number);
  }
}

TEST(InboundNumber, ParsesShortCodes) {
  auto n = parse_inbound_number("12345", "DE");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->value, "12345");
  EXPECT_EQ(n->kind, NumberKind::short_code);
  EXPECT_EQ(parse_inbound_number("123", "DE")->kind, NumberKind::short_code);
  EXPECT_EQ(parse_inbound_number("12345678", "DE")->kind, NumberKind::short_code);
}

TEST(InboundNumber, RefusesWhatIsNeither) {
  for (const char* text : {"", "12", "ACME", "+49 151 x", "491511234567", "+49 1", "0123", "+",
                           "1234567890123456789012345678901234"}) {
    auto n = parse_inbound_number(text, "DE");
    EXPECT_FALSE(n) << text;
    if (!n) {
      EXPECT_EQ(n.error().code, Errc::invalid_number);
    }
  }
}

TEST(MoAddress, KeysMatchWhatWasAssigned) {
  EXPECT_EQ(mo_address_key("4915112345678", "DE"), "+4915112345678");  // TON 1, no '+'
  EXPECT_EQ(mo_address_key("+4915112345678", "DE"), "+4915112345678");
  EXPECT_EQ(mo_address_key("004915112345678", "DE"), "+4915112345678");
  EXPECT_EQ(mo_address_key("015112345678", "DE"), "+4915112345678");  // national
  EXPECT_EQ(mo_address_key("12345", "DE"), "12345");
  EXPECT_FALSE(mo_address_key("ACME", "DE"));
  EXPECT_FALSE(mo_address_key("", "DE"));
  EXPECT_FALSE(mo_address_key("99999999999999999", "DE"));
}

TEST(MoAddress, SenderIsE164OnlyForPhoneNumbers) {
  EXPECT_EQ(mo_sender_e164("4915112345678", "DE"), "+4915112345678");
  EXPECT_EQ(mo_sender_e164("+4915112345678", "DE"), "+4915112345678");
  EXPECT_FALSE(mo_sender_e164("12345", "DE"));
  EXPECT_FALSE(mo_sender_e164("Shop", "DE"));
}

TEST(InboundNumber, KindNames) {
  EXPECT_STREQ(number_kind_name(NumberKind::short_code), "short_code");
  EXPECT_STREQ(number_kind_name(NumberKind::long_number), "long_number");
}

}  // namespace
}  // namespace diskret::inbound
