#include "sms/inbound.hpp"

#include <gtest/gtest.h>

#include "sms_test_util.hpp"

namespace diskret::sms {
namespace {

using test::bytes;
using namespace std::chrono_literals;

std::string text_of(std::string_view octets, std::uint8_t dc, bool udhi = false,
                    GsmPacking packing = GsmPacking::unpacked) {
  auto r = decode(octets, dc, udhi, packing);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
  return r ? r->text : "<error>";
}

Errc error_of(std::string_view octets, std::uint8_t dc, bool udhi = false) {
  auto r = decode(octets, dc, udhi);
  EXPECT_FALSE(r.has_value());
  return r ? Errc::ok : static_cast<Errc>(r.error().code.value());
}

TEST(Decode, GsmUnpackedWithExtensionTable) {
  EXPECT_EQ(text_of(bytes("48 69 20 1b65 20 7e 5e 11"), 0), "Hi € üÜ_");
  EXPECT_EQ(error_of(bytes("48 80"), 0), Errc::undecodable);
}

TEST(Decode, GsmPacked) {
  EXPECT_EQ(text_of(bytes("e8329bfd4697d9ec37"), 0, false, GsmPacking::packed), "hellohello");
}

TEST(Decode, GsmPackedAfterUdhSkipsFillBits) {
  auto r = decode(bytes("050003cc0201 9065 36fb0d"), 0, true, GsmPacking::packed);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->text, "Hello");
  ASSERT_TRUE(r->concat.has_value());
  EXPECT_EQ(r->concat->reference, 0xCC);
  EXPECT_EQ(r->concat->total, 2);
  EXPECT_EQ(r->concat->number, 1);
}

TEST(Decode, Ia5) {
  EXPECT_EQ(text_of("plain ASCII {}", 1), "plain ASCII {}");
  EXPECT_EQ(error_of("caf\xE9", 1), Errc::undecodable);
}

TEST(Decode, Latin1) { EXPECT_EQ(text_of("caf\xE9 \xA3" "5", 3), "café £5"); }

TEST(Decode, Ucs2WithSurrogatePairs) {
  EXPECT_EQ(text_of(bytes("0048 0069 0020 0436 d83dde00"), 8), "Hi ж😀");
  EXPECT_EQ(error_of(bytes("004800"), 8), Errc::undecodable);
}

TEST(Decode, Ucs2LoneSurrogateBecomesReplacementCharacter) {
  EXPECT_EQ(text_of(bytes("0061 d83d 0062"), 8), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(text_of(bytes("de00"), 8), "\xEF\xBF\xBD");
}

TEST(Decode, UnsupportedDataCodingIsUndecodable) {
  auto r = decode("x", 0x04, false);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::undecodable);
  EXPECT_NE(r.error().detail.find("0x04"), std::string::npos);
}

TEST(Decode, SixteenBitConcatenationUdh) {
  auto r = decode(bytes("060804beef0302 0048 0069"), 8, true);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->text, "Hi");
  ASSERT_TRUE(r->concat.has_value());
  EXPECT_EQ(r->concat->reference, 0xBEEF);
  EXPECT_EQ(r->concat->total, 3);
  EXPECT_EQ(r->concat->number, 2);
}

TEST(Decode, UnknownIesAreSkipped) {
  // application port IE (0x05, 4 octets) before the concatenation IE
  auto r = decode(bytes("0b 0504 0b840000 000301 0201 41"), 0, true);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->text, "A");
  ASSERT_TRUE(r->concat.has_value());
  EXPECT_EQ(r->concat->reference, 0x01);
}

TEST(Decode, NationalLanguageShiftIes) {
  EXPECT_EQ(text_of(bytes("03 240101 1b73 1b47"), 0, true), "şĞ");          // single shift
  EXPECT_EQ(text_of(bytes("03 250101 07 40 60"), 0, true), "ıİç");          // locking shift
  EXPECT_EQ(text_of(bytes("06 250103 240103 24 1b7b"), 0, true), "ºã");     // both, Portuguese
  EXPECT_EQ(text_of(bytes("03 240102 1b09"), 0, true), "ç");                // Spanish
  EXPECT_EQ(error_of(bytes("03 240105 41"), 0, true), Errc::undecodable);  // Gujarati: unsupported
}

TEST(Decode, MalformedUdhIsUndecodable) {
  EXPECT_EQ(error_of("", 0, true), Errc::undecodable);                         // no UDHL
  EXPECT_EQ(error_of(bytes("05 000301"), 0, true), Errc::undecodable);         // UDHL > data
  EXPECT_EQ(error_of(bytes("04 00050102 41"), 0, true), Errc::undecodable);    // IE overruns
  EXPECT_EQ(error_of(bytes("01 00 41"), 0, true), Errc::undecodable);          // truncated IE
  EXPECT_EQ(error_of(bytes("04 000201 02 41"), 0, true), Errc::undecodable);   // wrong length
  EXPECT_EQ(error_of(bytes("05 000301 0203 41"), 0, true), Errc::undecodable); // number > total
  EXPECT_EQ(error_of(bytes("05 000301 0200 41"), 0, true), Errc::undecodable); // number 0
  EXPECT_EQ(error_of(bytes("05 000301 0001 41"), 0, true), Errc::undecodable); // total 0
  EXPECT_EQ(error_of(bytes("04 24020101 41"), 0, true), Errc::undecodable);    // shift len 2
}

DecodedPart part(std::string text, std::uint16_t ref, std::uint8_t total, std::uint8_t number) {
  return DecodedPart{std::move(text), ConcatInfo{ref, total, number}};
}

TEST(Reassembler, PassesUnconcatenatedTextThrough) {
  Reassembler r;
  EXPECT_EQ(r.add("a", DecodedPart{"whole", std::nullopt}, {}), "whole");
  EXPECT_EQ(r.add("a", part("single", 1, 1, 1), {}), "single");
  EXPECT_EQ(r.pending(), 0u);
}

TEST(Reassembler, JoinsPartsInOrder) {
  Reassembler r;
  const Reassembler::TimePoint t{};
  EXPECT_FALSE(r.add("a", part("one ", 9, 3, 1), t));
  EXPECT_FALSE(r.add("a", part("two ", 9, 3, 2), t));
  EXPECT_EQ(r.pending(), 1u);
  EXPECT_EQ(r.add("a", part("three", 9, 3, 3), t), "one two three");
  EXPECT_EQ(r.pending(), 0u);
}

TEST(Reassembler, JoinsPartsOutOfOrder) {
  Reassembler r;
  const Reassembler::TimePoint t{};
  EXPECT_FALSE(r.add("a", part("C", 9, 3, 3), t));
  EXPECT_FALSE(r.add("a", part("A", 9, 3, 1), t));
  EXPECT_EQ(r.add("a", part("B", 9, 3, 2), t), "ABC");
}

TEST(Reassembler, IgnoresDuplicateParts) {
  Reassembler r;
  const Reassembler::TimePoint t{};
  EXPECT_FALSE(r.add("a", part("A", 9, 2, 1), t));
  EXPECT_FALSE(r.add("a", part("X", 9, 2, 1), t));
  EXPECT_EQ(r.add("a", part("B", 9, 2, 2), t), "AB");
  EXPECT_EQ(r.pending(), 0u);
}

TEST(Reassembler, KeepsSourcesAndReferencesApart) {
  Reassembler r;
  const Reassembler::TimePoint t{};
  EXPECT_FALSE(r.add("a", part("a1", 9, 2, 1), t));
  EXPECT_FALSE(r.add("b", part("b1", 9, 2, 1), t));
  EXPECT_FALSE(r.add("a", part("x1", 10, 2, 1), t));
  EXPECT_EQ(r.pending(), 3u);
  EXPECT_EQ(r.add("b", part("b2", 9, 2, 2), t), "b1b2");
  EXPECT_EQ(r.add("a", part("a2", 9, 2, 2), t), "a1a2");
}

TEST(Reassembler, ReusedReferenceWithOtherTotalStartsOver) {
  Reassembler r;
  const Reassembler::TimePoint t{};
  EXPECT_FALSE(r.add("a", part("old", 9, 3, 1), t));
  EXPECT_FALSE(r.add("a", part("N1", 9, 2, 1), t));
  EXPECT_EQ(r.add("a", part("N2", 9, 2, 2), t), "N1N2");
}

TEST(Reassembler, ExpiresOldIncompleteMessages) {
  Reassembler r;
  const Reassembler::TimePoint t0{};
  EXPECT_FALSE(r.add("a", part("old", 1, 2, 1), t0));
  EXPECT_FALSE(r.add("a", part("new", 2, 2, 1), t0 + 50s));
  EXPECT_EQ(r.expire(t0 + 60s, 60s), 0u);  // exactly max_age old: kept
  EXPECT_EQ(r.expire(t0 + 61s, 60s), 1u);
  EXPECT_EQ(r.pending(), 1u);
  // the expired message's late part now starts a fresh, incomplete message
  EXPECT_FALSE(r.add("a", part("late", 1, 2, 2), t0 + 62s));
  EXPECT_EQ(r.add("a", part("new2", 2, 2, 2), t0 + 62s), "newnew2");
}

TEST(Reassembler, ImpossibleNumberingIsPassedThrough) {
  Reassembler r;
  EXPECT_EQ(r.add("a", part("zero", 1, 2, 0), {}), "zero");
  EXPECT_EQ(r.add("a", part("over", 1, 2, 3), {}), "over");
  EXPECT_EQ(r.pending(), 0u);
}

}  // namespace
}  // namespace diskret::sms
