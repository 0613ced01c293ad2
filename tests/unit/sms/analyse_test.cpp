#include <gtest/gtest.h>

#include "sms/text.hpp"
#include "sms_test_util.hpp"

namespace diskret::sms {
namespace {

using test::repeat;

TextInfo info(std::string_view text, const TextOptions& o = {},
              Concatenation c = Concatenation::udh8) {
  auto r = analyse(text, o, c);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
  return r.value_or(TextInfo{});
}

TEST(Analyse, GsmSingleMessageHolds160Septets) {
  const auto i160 = info(repeat("a", 160));
  EXPECT_EQ(i160.encoding, Encoding::gsm7);
  EXPECT_EQ(i160.segments, 1u);
  EXPECT_EQ(i160.units, 160u);
  EXPECT_EQ(i160.units_left, 0u);
  const auto i161 = info(repeat("a", 161));
  EXPECT_EQ(i161.segments, 2u);
  EXPECT_EQ(i161.units_left, 153u * 2 - 161);
}

TEST(Analyse, GsmConcatenatedPartsHold153Septets) {
  EXPECT_EQ(info(repeat("a", 153 * 2)).segments, 2u);
  EXPECT_EQ(info(repeat("a", 153 * 2)).units_left, 0u);
  EXPECT_EQ(info(repeat("a", 153 * 2 + 1)).segments, 3u);
  EXPECT_EQ(info(repeat("a", 153 * 2 + 1)).units_left, 152u);
}

TEST(Analyse, Ucs2SingleMessageHolds70Units) {
  const auto i70 = info(repeat("ж", 70));
  EXPECT_EQ(i70.encoding, Encoding::ucs2);
  EXPECT_EQ(i70.segments, 1u);
  EXPECT_EQ(i70.units, 70u);
  EXPECT_EQ(i70.characters, 70u);
  EXPECT_EQ(info(repeat("ж", 71)).segments, 2u);
}

TEST(Analyse, Ucs2ConcatenatedPartsHold67Units) {
  EXPECT_EQ(info(repeat("ж", 67 * 2)).segments, 2u);
  EXPECT_EQ(info(repeat("ж", 67 * 2 + 1)).segments, 3u);
}

TEST(Analyse, SixteenBitReferenceLeaves152SeptetsAnd66Units) {
  const auto udh16 = Concatenation::udh16;
  EXPECT_EQ(info(repeat("a", 152 * 2), {}, udh16).segments, 2u);
  EXPECT_EQ(info(repeat("a", 152 * 2 + 1), {}, udh16).segments, 3u);
  EXPECT_EQ(info(repeat("ж", 66 * 2), {}, udh16).segments, 2u);
  EXPECT_EQ(info(repeat("ж", 66 * 2 + 1), {}, udh16).segments, 3u);
  EXPECT_EQ(info(repeat("a", 160), {}, udh16).segments, 1u);
}

TEST(Analyse, PayloadCountsSegmentsLikeUdh8) {
  EXPECT_EQ(info(repeat("a", 153 * 2 + 1), {}, Concatenation::payload).segments, 3u);
}

TEST(Analyse, ExtensionCharactersCountTwice) {
  const auto i = info(repeat("€", 80));
  EXPECT_EQ(i.encoding, Encoding::gsm7);
  EXPECT_EQ(i.characters, 80u);
  EXPECT_EQ(i.units, 160u);
  EXPECT_EQ(i.segments, 1u);
  EXPECT_EQ(info(repeat("{", 81)).segments, 2u);
  EXPECT_EQ(info("[x]").units, 5u);
}

TEST(Analyse, EscapeSequenceIsNeverSplitAcrossParts) {
  // 152 + 2 + 152 = 306 septets would fit 2 * 153, but the escape cannot straddle the
  // boundary: part 1 takes 152, part 2 takes "€" + 151, part 3 the last 'a'.
  const auto i = info(repeat("a", 152) + "€" + repeat("a", 152));
  EXPECT_EQ(i.units, 306u);
  EXPECT_EQ(i.segments, 3u);
  EXPECT_EQ(i.units_left, 152u);
  EXPECT_EQ(info(repeat("a", 151) + "€" + repeat("a", 153)).segments, 2u);
}

TEST(Analyse, SurrogatePairIsNeverSplitAcrossParts) {
  const auto i = info(repeat("ж", 66) + "😀" + repeat("ж", 66));
  EXPECT_EQ(i.encoding, Encoding::ucs2);
  EXPECT_EQ(i.characters, 133u);
  EXPECT_EQ(i.units, 134u);
  EXPECT_EQ(i.segments, 3u);
  EXPECT_EQ(info(repeat("ж", 65) + "😀" + repeat("ж", 67)).segments, 2u);
}

TEST(Analyse, NonBmpCharactersAreTwoUnits) {
  const auto i = info(repeat("😀", 35));
  EXPECT_EQ(i.units, 70u);
  EXPECT_EQ(i.segments, 1u);
  EXPECT_EQ(info(repeat("😀", 36)).segments, 2u);
}

TEST(Analyse, CharacterOutsideGsmSwitchesWholeTextToUcs2) {
  const auto i = info(repeat("a", 100) + "\t");
  EXPECT_EQ(i.encoding, Encoding::ucs2);
  EXPECT_EQ(i.units, 101u);
  EXPECT_EQ(i.segments, 2u);
  EXPECT_EQ(info("`").encoding, Encoding::ucs2);
  EXPECT_EQ(info("ç").encoding, Encoding::ucs2);
  EXPECT_EQ(info("Ça va? Ü ß ñ").encoding, Encoding::gsm7);
}

TEST(Analyse, NationalShiftUsedOnlyWhenDefaultFails) {
  const TextOptions turkish{{NationalLanguage::turkish}};
  EXPECT_EQ(info("plain text", turkish).language, NationalLanguage::none);
  const auto i = info("Günaydın, şimdi", turkish);
  EXPECT_EQ(i.encoding, Encoding::gsm7);
  EXPECT_EQ(i.language, NationalLanguage::turkish);
  EXPECT_EQ(i.units, 17u);  // ı and ş cost 2 each
  EXPECT_EQ(info("Günaydın").encoding, Encoding::ucs2);
}

TEST(Analyse, NationalShiftTablesAreTriedInOrder) {
  const TextOptions es_pt{{NationalLanguage::spanish, NationalLanguage::portuguese}};
  EXPECT_EQ(info("ação", es_pt).language, NationalLanguage::portuguese);  // ã only in pt
  EXPECT_EQ(info("ç", es_pt).language, NationalLanguage::spanish);
  const TextOptions tr_es{{NationalLanguage::turkish, NationalLanguage::spanish}};
  EXPECT_EQ(info("ç", tr_es).language, NationalLanguage::turkish);  // Turkish also has ç
  EXPECT_EQ(info("ş and á", tr_es).encoding, Encoding::ucs2);       // no single table has both
}

TEST(Analyse, NationalShiftUdhShrinksSingleAndPartLimits) {
  // single: UDH 03 24 01 xx = 4 octets = 5 septets -> 155; concatenated udh8: 9 octets =
  // 11 septets -> 149; udh16: 10 octets = 12 septets -> 148.
  const TextOptions es{{NationalLanguage::spanish}};
  EXPECT_EQ(info("á" + repeat("a", 153), es).segments, 1u);
  EXPECT_EQ(info("á" + repeat("a", 153), es).units_left, 0u);
  EXPECT_EQ(info("á" + repeat("a", 154), es).segments, 2u);
  EXPECT_EQ(info("á" + repeat("a", 149 * 2 - 2), es).segments, 2u);
  EXPECT_EQ(info("á" + repeat("a", 149 * 2 - 1), es).segments, 3u);
  EXPECT_EQ(info("á" + repeat("a", 148 * 2 - 2), es, Concatenation::udh16).segments, 2u);
  EXPECT_EQ(info("á" + repeat("a", 148 * 2 - 1), es, Concatenation::udh16).segments, 3u);
}

TEST(Analyse, RejectsEmptyAndInvalidUtf8) {
  EXPECT_EQ(analyse("").error().code, Errc::empty_text);
  for (std::string_view bad : {"\xC3\x28", "\xC0\xAF", "\xED\xA0\x80", "\xE2\x82",
                               "\xF4\x90\x80\x80", "\xFF", "ok\x80"}) {
    auto r = analyse(bad);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::invalid_utf8);
  }
}

TEST(Analyse, EncodingNames) {
  EXPECT_STREQ(encoding_name(Encoding::gsm7), "gsm7");
  EXPECT_STREQ(encoding_name(Encoding::ucs2), "ucs2");
}

TEST(SmsErrc, CategoryHasHumanMessages) {
  EXPECT_STREQ(sms_category().name(), "sms");
  std::error_code ec = Errc::sender_too_long;
  EXPECT_EQ(ec.message(), "an alphanumeric sender id has at most 11 characters");
  for (int c = 1; c <= static_cast<int>(Errc::undecodable); ++c) {
    EXPECT_EQ(sms_category().message(c).find("unknown"), std::string::npos);
  }
}

}  // namespace
}  // namespace diskret::sms
