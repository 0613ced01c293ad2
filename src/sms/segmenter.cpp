#include "sms/segmenter.hpp"

#include "sms/errc.hpp"
#include "sms/gsm7_tables.hpp"
#include "sms/udh.hpp"
#include "sms/utf.hpp"

namespace diskret::sms {
namespace {

// Greedy filling of parts: a unit group (escape + code, surrogate pair) that does not fit
// in the current part starts the next one, so no group is ever split.
struct Counter {
  std::size_t capacity;
  std::size_t total = 0;
  std::size_t parts = 1;
  std::size_t used = 0;

  void add(std::size_t width) noexcept {
    total += width;
    if (used + width > capacity) {
      ++parts;
      used = width;
    } else {
      used += width;
    }
  }
};

Concatenation part_header(Concatenation c) noexcept {
  return c == Concatenation::udh16 ? Concatenation::udh16 : Concatenation::udh8;
}

Plan finish(Encoding encoding, NationalLanguage lang, std::size_t characters,
            const Counter& counter, std::size_t single_capacity) {
  Plan p;
  p.encoding = encoding;
  p.language = lang;
  p.characters = characters;
  p.units = counter.total;
  p.single_capacity = single_capacity;
  p.part_capacity = counter.capacity;
  if (counter.total <= single_capacity) {
    p.segments = 1;
    p.units_left = single_capacity - counter.total;
  } else {
    p.segments = counter.parts;
    p.units_left = counter.capacity - counter.used;
  }
  return p;
}

// Second pass, only for texts that are not pure default GSM: does `lang`'s single shift
// table cover the rest? The text is known to be valid UTF-8 here.
bool count_with_language(std::string_view utf8, NationalLanguage lang, Concatenation c,
                         Counter& counter) {
  counter = Counter{udh::septet_capacity(udh::length(true, c, true))};
  for (std::size_t i = 0; i < utf8.size();) {
    const int cost = gsm7::septet_cost(utf::next(utf8, i), lang);
    if (cost == 0) return false;
    counter.add(static_cast<std::size_t>(cost));
  }
  return true;
}

}  // namespace

Expected<Plan> plan_text(std::string_view utf8, const TextOptions& options,
                         Concatenation concatenation) {
  if (utf8.empty()) return fail(Errc::empty_text, "the message text is empty");
  const Concatenation c = part_header(concatenation);
  Counter gsm{udh::septet_capacity(udh::length(true, c, false))};
  Counter ucs2{udh::ucs2_capacity(udh::length(true, c, false))};
  bool gsm_ok = true;
  std::size_t characters = 0;
  for (std::size_t i = 0; i < utf8.size(); ++characters) {
    const auto b = static_cast<std::uint8_t>(utf8[i]);
    std::size_t cost = 0;
    std::size_t units = 1;
    if (b < 0x80) {
      ++i;
      cost = gsm7::kAsciiCost[b];
    } else {
      const char32_t cp = utf::next(utf8, i);
      if (cp == utf::kInvalid) {
        return fail(Errc::invalid_utf8, "the message text is not valid UTF-8");
      }
      if (gsm_ok) cost = static_cast<std::size_t>(gsm7::septet_cost(cp, NationalLanguage::none));
      units = utf::utf16_units(cp);
    }
    if (gsm_ok) {
      if (cost == 0) {
        gsm_ok = false;
      } else {
        gsm.add(cost);
      }
    }
    ucs2.add(units);
  }
  if (gsm_ok) {
    return finish(Encoding::gsm7, NationalLanguage::none, characters, gsm, udh::kMaxSeptets);
  }
  for (const NationalLanguage lang : options.national_languages) {
    if (lang == NationalLanguage::none) continue;
    Counter counter{0};
    if (count_with_language(utf8, lang, c, counter)) {
      const std::size_t single = udh::septet_capacity(udh::length(false, c, true));
      return finish(Encoding::gsm7, lang, characters, counter, single);
    }
  }
  return finish(Encoding::ucs2, NationalLanguage::none, characters, ucs2,
                udh::ucs2_capacity(0));
}

}  // namespace diskret::sms
