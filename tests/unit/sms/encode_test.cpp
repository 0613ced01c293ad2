#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "sms/inbound.hpp"
#include "sms/text.hpp"
#include "sms_test_util.hpp"

namespace diskret::sms {
namespace {

using test::repeat;

EncodedMessage enc(std::string_view text, EncodeOptions o = {}) {
  auto r = encode(text, o);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
  return r.value_or(EncodedMessage{});
}

EncodeOptions packed() {
  EncodeOptions o;
  o.packing = GsmPacking::packed;
  return o;
}

TEST(Encode, ShortGsmTextIsOneUnpackedPartWithoutUdh) {
  const auto m = enc("Hi {you}");
  EXPECT_EQ(m.encoding, Encoding::gsm7);
  EXPECT_EQ(m.data_coding, 0x00);
  EXPECT_FALSE(m.udhi);
  EXPECT_FALSE(m.use_payload);
  EXPECT_EQ(m.segments, 1u);
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(to_hex(m.parts[0]), "486920" "1b28" "796f75" "1b29");
}

TEST(Encode, PackedGoldenBytes) {
  const auto m = enc("hellohello", packed());
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(to_hex(m.parts[0]), "e8329bfd4697d9ec37");
}

TEST(Encode, Ucs2GoldenBytesIncludingEmoji) {
  const auto m = enc("Hi ж😀");
  EXPECT_EQ(m.encoding, Encoding::ucs2);
  EXPECT_EQ(m.data_coding, 0x08);
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(to_hex(m.parts[0]), "004800690020" "0436" "d83dde00");
}

TEST(Encode, ConcatenatedGsmUsesEightBitReferenceUdh) {
  EncodeOptions o;
  o.reference = 0x1234;  // only the low octet fits IEI 0x00
  const auto m = enc(repeat("a", 153) + repeat("b", 153) + "c", o);
  EXPECT_TRUE(m.udhi);
  EXPECT_EQ(m.segments, 3u);
  ASSERT_EQ(m.parts.size(), 3u);
  EXPECT_EQ(to_hex(m.parts[0].substr(0, 6)), "050003340301");
  EXPECT_EQ(to_hex(m.parts[1].substr(0, 6)), "050003340302");
  EXPECT_EQ(to_hex(m.parts[2]), "050003340303" "63");
  EXPECT_EQ(m.parts[0].size(), 6u + 153);
  EXPECT_EQ(m.parts[1].substr(6), repeat("b", 153));
}

TEST(Encode, ConcatenatedUcs2UsesSixteenBitReferenceUdh) {
  EncodeOptions o;
  o.concatenation = Concatenation::udh16;
  o.reference = 0xBEEF;
  const auto m = enc(repeat("ж", 66 * 2), o);
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_EQ(to_hex(m.parts[0].substr(0, 7)), "060804beef0201");
  EXPECT_EQ(to_hex(m.parts[1].substr(0, 7)), "060804beef0202");
  EXPECT_EQ(m.parts[0].size(), 7u + 66 * 2);
  EXPECT_LE(m.parts[0].size(), 140u);
}

TEST(Encode, PackedConcatenatedPartsFitIn140OctetsWithFillBit) {
  const auto m = enc(repeat("a", 153) + repeat("b", 153), packed());
  ASSERT_EQ(m.parts.size(), 2u);
  for (const auto& part : m.parts) EXPECT_EQ(part.size(), 140u);
  // first septet starts after one fill bit: 'a' (0x61) << 1 = 0xC2
  EXPECT_EQ(static_cast<std::uint8_t>(m.parts[0][6]), 0xC2);
  auto d = decode(m.parts[1], 0, true, GsmPacking::packed);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->text, repeat("b", 153));
}

TEST(Encode, EscapeAtPartBoundaryMovesToNextPart) {
  const auto m = enc(repeat("a", 152) + "€" + repeat("a", 10));
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_EQ(m.parts[0].size(), 6u + 152);  // one septet left free
  EXPECT_EQ(to_hex(m.parts[1].substr(6, 3)), "1b6561");
}

TEST(Encode, SurrogatePairAtPartBoundaryMovesToNextPart) {
  const auto m = enc(repeat("ж", 66) + "😀" + repeat("ж", 10));
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_EQ(m.parts[0].size(), 6u + 66 * 2);
  EXPECT_EQ(to_hex(m.parts[1].substr(6, 4)), "d83dde00");
}

TEST(Encode, TurkishSingleShiftStaysSevenBitWithLanguageIe) {
  EncodeOptions o;
  o.text.national_languages = {NationalLanguage::turkish};
  const auto m = enc("aş", o);
  EXPECT_EQ(m.encoding, Encoding::gsm7);
  EXPECT_EQ(m.language, NationalLanguage::turkish);
  EXPECT_EQ(m.data_coding, 0x00);
  EXPECT_TRUE(m.udhi);
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(to_hex(m.parts[0]), "03240101" "61" "1b73");
}

TEST(Encode, SpanishSingleShiftEncodesCedillaAndAcute) {
  EncodeOptions o;
  o.text.national_languages = {NationalLanguage::spanish};
  const auto m = enc("çá", o);
  EXPECT_EQ(m.language, NationalLanguage::spanish);
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(to_hex(m.parts[0]), "03240102" "1b09" "1b61");
}

TEST(Encode, PortugueseSingleShiftWithPacking) {
  EncodeOptions o = packed();
  o.text.national_languages = {NationalLanguage::portuguese};
  const auto m = enc("não", o);
  EXPECT_EQ(m.language, NationalLanguage::portuguese);
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(to_hex(m.parts[0].substr(0, 4)), "03240103");
  auto d = decode(m.parts[0], 0, true, GsmPacking::packed);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->text, "não");
}

TEST(Encode, LanguageIeRepeatsInEveryConcatenatedPart) {
  EncodeOptions o;
  o.text.national_languages = {NationalLanguage::turkish};
  o.reference = 7;
  const auto m = enc("ş" + repeat("a", 200), o);
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_EQ(to_hex(m.parts[0].substr(0, 9)), "08000307020124" "0101");
  EXPECT_EQ(to_hex(m.parts[1].substr(0, 9)), "08000307020224" "0101");
  EXPECT_EQ(m.parts[0].size(), 9u + 149);
}

TEST(Encode, PayloadModeSendsOneWholePart) {
  EncodeOptions o;
  o.concatenation = Concatenation::payload;
  const auto m = enc(repeat("a", 400), o);
  EXPECT_TRUE(m.use_payload);
  EXPECT_FALSE(m.udhi);
  EXPECT_EQ(m.segments, 3u);
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(m.parts[0], repeat("a", 400));
  // a text that fits one SMS goes in short_message as usual
  EXPECT_FALSE(enc("short", o).use_payload);
}

TEST(Encode, PayloadModeKeepsLanguageIe) {
  EncodeOptions o;
  o.concatenation = Concatenation::payload;
  o.text.national_languages = {NationalLanguage::spanish};
  const auto m = enc("á" + repeat("a", 300), o);
  EXPECT_TRUE(m.use_payload);
  EXPECT_TRUE(m.udhi);
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(to_hex(m.parts[0].substr(0, 6)), "032401021b61");
}

TEST(Encode, TooManySegmentsIsRejected) {
  EncodeOptions o;
  o.max_segments = 10;
  EXPECT_EQ(enc(repeat("a", 153 * 10), o).parts.size(), 10u);
  auto r = encode(repeat("a", 153 * 10 + 1), o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::too_many_segments);
  EXPECT_NE(r.error().detail.find("11"), std::string::npos);
  o.max_segments = 1000;
  auto udh_limit = encode(repeat("a", 153 * 255 + 1), o);
  ASSERT_FALSE(udh_limit.has_value());
  EXPECT_EQ(udh_limit.error().code, Errc::too_many_segments);
}

TEST(Encode, RejectsEmptyAndInvalidUtf8) {
  EXPECT_EQ(encode("", {}).error().code, Errc::empty_text);
  EXPECT_EQ(encode("a\xC3", {}).error().code, Errc::invalid_utf8);
}

}  // namespace
}  // namespace diskret::sms
