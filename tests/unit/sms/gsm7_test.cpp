#include "sms/gsm7.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "sms/gsm7_tables.hpp"
#include "sms_test_util.hpp"

namespace diskret::sms {
namespace {

using test::bytes;

std::string septets_of(std::string_view utf8, NationalLanguage lang = NationalLanguage::none) {
  std::string s;
  gsm7::append_septets(s, utf8, lang, utf8.size() * 2);  // trimmed to what is written
  return s;
}

TEST(Gsm7Tables, DefaultAlphabetReverseLookupMatchesForwardTable) {
  for (std::size_t septet = 0; septet < 128; ++septet) {
    if (septet == gsm7::kEscape) continue;
    EXPECT_EQ(gsm7::kDefaultReverse.find(gsm7::kDefault[septet]), static_cast<int>(septet));
  }
  EXPECT_EQ(gsm7::kDefaultReverse.find(U'\x1B'), -1);  // escape is no character
  EXPECT_EQ(gsm7::kDefaultReverse.find(U'`'), -1);
  EXPECT_EQ(gsm7::kDefaultReverse.find(U'ç'), -1);  // only Ç is in the default table
  EXPECT_EQ(gsm7::kDefaultReverse.find(U'Ω'), 0x15);
}

TEST(Gsm7Tables, ExtensionCharactersCostTwoSeptets) {
  for (char32_t c : std::u32string(U"^{}\\[~]|€\f")) {
    EXPECT_EQ(gsm7::septet_cost(c, NationalLanguage::none), 2) << static_cast<unsigned>(c);
  }
  EXPECT_EQ(gsm7::septet_cost(U'a', NationalLanguage::none), 1);
  EXPECT_EQ(gsm7::septet_cost(U'\t', NationalLanguage::none), 0);
  EXPECT_EQ(gsm7::kAsciiCost['{'], 2);
  EXPECT_EQ(gsm7::kAsciiCost['`'], 0);
  EXPECT_EQ(gsm7::kAsciiCost['\n'], 1);
}

TEST(Gsm7Tables, NationalSingleShiftTablesHoldTheirLetters) {
  EXPECT_EQ(gsm7::shift_reverse(NationalLanguage::turkish).find(U'ş'), 0x73);
  EXPECT_EQ(gsm7::shift_reverse(NationalLanguage::turkish).find(U'İ'), 0x49);
  EXPECT_EQ(gsm7::shift_reverse(NationalLanguage::spanish).find(U'ç'), 0x09);
  EXPECT_EQ(gsm7::shift_reverse(NationalLanguage::spanish).find(U'á'), 0x61);
  EXPECT_EQ(gsm7::shift_reverse(NationalLanguage::portuguese).find(U'ã'), 0x7B);
  EXPECT_EQ(gsm7::shift_reverse(NationalLanguage::portuguese).find(U'€'), 0x65);
  EXPECT_EQ(gsm7::shift_reverse(NationalLanguage::spanish).find(U'ş'), -1);
}

TEST(Gsm7Tables, LockingShiftTablesDifferFromDefault) {
  EXPECT_EQ(gsm7::kTurkishLocking[0x07], U'ı');
  EXPECT_EQ(gsm7::kTurkishLocking[0x41], U'A');
  EXPECT_EQ(gsm7::kPortugueseLocking[0x24], U'º');
  EXPECT_EQ(gsm7::kPortugueseLocking[0x7D], U'`');
}

TEST(Gsm7Pack, PacksHelloHelloToKnownBytes) {
  std::string out;
  gsm7::pack(out, septets_of("hellohello"), 0);
  EXPECT_EQ(to_hex(out), "e8329bfd4697d9ec37");
  EXPECT_EQ(gsm7::unpack(out, 0), "hellohello");
}

// UDH of 6 octets = 48 bits; one fill bit brings the text to septet 7 (bit 49).
// Hand-derived: 'H' (0x48) << 1 = 0x90; then "ello" packs like ordinary text from bit 56:
// 0x65 | (0x6C & 1) << 7 = 0x65, 0x6C >> 1 | (0x6C & 3) << 6 = 0x36,
// 0x6C >> 2 | (0x6F & 7) << 5 = 0xFB, 0x6F >> 3 = 0x0D.
TEST(Gsm7Pack, InsertsFillBitAfterSixOctetUdh) {
  std::string out = bytes("050003cc0201");
  gsm7::pack(out, septets_of("Hello"), 6);
  EXPECT_EQ(to_hex(out), "050003cc02019065" "36fb0d");
  EXPECT_EQ(gsm7::unpack(out, 6), "Hello");
}

// UDH 03 24 01 01 = 32 bits, 3 fill bits; ESC (0x1B) at bit 35, 0x73 at bit 42; 7 septets
// in all leave 7 spare bits, filled with CR (0x0D) at bit 49:
// 0x1B << 3 = 0xD8; (0x1B >> 5) | 0x73 << 2 = 0xCC; (0x73 >> 6) | 0x0D << 1 = 0x1B.
TEST(Gsm7Pack, InsertsThreeFillBitsAfterLanguageUdhAndPadsWithCr) {
  std::string out = bytes("03240101");
  gsm7::pack(out, septets_of("ş", NationalLanguage::turkish), 4);
  EXPECT_EQ(to_hex(out), "03240101d8cc1b");
  EXPECT_EQ(gsm7::unpack(out, 4), "\x1b\x73");
}

TEST(Gsm7Pack, SevenSpareBitsAreFilledWithCrNotReadAsAt) {
  std::string out;
  gsm7::pack(out, "1234567", 0);
  ASSERT_EQ(out.size(), 7u);
  EXPECT_EQ(static_cast<std::uint8_t>(out[6]) >> 1, 0x0D);
  EXPECT_EQ(gsm7::unpack(out, 0), "1234567");
  // a real trailing '@' (septet 0) in the same position survives
  std::string at;
  gsm7::pack(at, septets_of("123456@"), 0);
  EXPECT_EQ(gsm7::unpack(at, 0), septets_of("123456@"));
}

TEST(Gsm7Text, DecodesEscapesAndFallbacks) {
  std::string text;
  gsm7::append_text(text, septets_of("a€{ü"), NationalLanguage::none, NationalLanguage::none);
  EXPECT_EQ(text, "a€{ü");
  text.clear();
  // ESC + undefined code shows the main-table character; ESC ESC shows a space;
  // a trailing lone ESC is dropped.
  gsm7::append_text(text, "\x1b" "A" "\x1b\x1b" "b\x1b", NationalLanguage::none,
                    NationalLanguage::none);
  EXPECT_EQ(text, "A b");
}

TEST(Gsm7Text, DecodesWithLockingAndSingleShift) {
  std::string text;
  gsm7::append_text(text, "\x07\x1b\x73", NationalLanguage::turkish, NationalLanguage::turkish);
  EXPECT_EQ(text, "ış");
}

}  // namespace
}  // namespace diskret::sms
