// Property: decoding every encoded part (with its UDH) and reassembling gives back the text,
// for every packing and concatenation; analyse() agrees with encode() on the counts.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "sms/inbound.hpp"
#include "sms/text.hpp"
#include "sms_test_util.hpp"

namespace diskret::sms {
namespace {

using test::repeat;

std::vector<std::string> texts() {
  return {
      "a",
      "Hello, world!",
      "@",
      "123456@",                      // '@' where 7 spare bits are CR-filled
      repeat("@", 7),
      "Ihr Code: 4711. Gültig 5 Min. Kosten: 0,09 €",
      "[{|}] ~ ^ \\ € \f",
      "Привет, мир",
      "emoji 😀👍🏽 and 中文",
      repeat("x", 160),
      repeat("x", 161),
      repeat("a", 152) + "€" + repeat("b", 200),
      repeat("ж", 66) + "😀" + repeat("ж", 100),
      repeat("😀", 200),
      "line one\nline two\r\nline three",
      "Günaydın! Şeker, ğ İ ı ç",                     // Turkish single shift
      "¿Qué tal? Canción, acción: sí",              // Spanish single shift
      "Não há ação sem coração. Ôba, você!",         // Portuguese single shift
      repeat("ção ", 120),
      std::string("nul\0byte", 8),
  };
}

std::string round_trip(const std::string& text, const EncodeOptions& o) {
  auto m = encode(text, o);
  EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().message());
  if (!m) return {};
  auto info = analyse(text, o.text, o.concatenation);
  EXPECT_TRUE(info.has_value());
  EXPECT_EQ(info->segments, m->segments);
  EXPECT_EQ(info->encoding, m->encoding);
  EXPECT_EQ(info->language, m->language);
  if (!m->use_payload) {
    EXPECT_EQ(m->parts.size(), m->segments);
  }
  Reassembler r;
  const auto now = std::chrono::steady_clock::time_point{};
  std::optional<std::string> whole;
  const bool octet_limited = o.packing == GsmPacking::packed || m->encoding == Encoding::ucs2;
  for (const auto& part : m->parts) {
    if (!m->use_payload) {
      EXPECT_LE(part.size(), octet_limited ? 140u : 10u + 160u);
    }
    auto d = decode(part, m->data_coding, m->udhi, o.packing);
    EXPECT_TRUE(d.has_value()) << (d ? "" : d.error().message());
    if (!d) return {};
    whole = r.add("src", *d, now);
  }
  EXPECT_EQ(r.pending(), 0u);
  return whole.value_or("<incomplete>");
}

TEST(RoundTrip, DecodeOfEncodeGivesTheTextBack) {
  const std::vector<NationalLanguage> all{NationalLanguage::turkish, NationalLanguage::spanish,
                                          NationalLanguage::portuguese};
  for (const auto packing : {GsmPacking::unpacked, GsmPacking::packed}) {
    for (const auto concat :
         {Concatenation::udh8, Concatenation::udh16, Concatenation::payload}) {
      for (const bool national : {false, true}) {
        EncodeOptions o;
        o.packing = packing;
        o.concatenation = concat;
        o.reference = 0x0102;
        o.max_segments = 100;
        if (national) o.text.national_languages = all;
        for (const auto& text : texts()) {
          EXPECT_EQ(round_trip(text, o), text)
              << "packing=" << int(packing) << " concat=" << int(concat)
              << " national=" << national << " size=" << text.size();
        }
      }
    }
  }
}

TEST(RoundTrip, NationalTablesAreChosenForTheirTexts) {
  EncodeOptions o;
  o.text.national_languages = {NationalLanguage::turkish, NationalLanguage::spanish,
                               NationalLanguage::portuguese};
  EXPECT_EQ(encode("Günaydın! Şeker", o)->language, NationalLanguage::turkish);
  EXPECT_EQ(encode("¿Qué tal? Canción", o)->language, NationalLanguage::spanish);
  EXPECT_EQ(encode("Não há ação", o)->language, NationalLanguage::portuguese);
}

}  // namespace
}  // namespace diskret::sms
