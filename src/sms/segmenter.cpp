#include "sms/segmenter.hpp"

#include "sms/errc.hpp"
#include "sms/gsm7_tables.hpp"
#include "sms/udh.hpp"
#include "sms/utf.hpp"

namespace diskret::sms {
namespace {

// What one pass over the text learns; no allocation, one table lookup per ASCII byte.
struct Scan {
  std::size_t characters = 0;
  std::size_t septets = 0;  // default alphabet + extension, valid while gsm_ok
  std::size_t pairs = 0;    // characters needing a UTF-16 surrogate pair
  bool gsm_ok = true;
  bool escapes = false;
};

bool scan(std::string_view utf8, Scan& s) noexcept {
  const auto* p = reinterpret_cast<const std::uint8_t*>(utf8.data());
  const std::size_t n = utf8.size();
  unsigned seen = 0;  // bit k set: a character costing k septets was seen (0 = not GSM)
  for (std::size_t i = 0; i < n;) {
    const std::size_t ascii_start = i;
    for (; i < n && p[i] < 0x80; ++i) {
      const unsigned cost = gsm7::kAsciiCost[p[i]];
      s.septets += cost;
      seen |= 1u << cost;
    }
    s.characters += i - ascii_start;
    if (i == n) break;
    const char32_t cp = utf::next(utf8, i);
    if (cp == utf::kInvalid) return false;
    ++s.characters;
    s.pairs += utf::utf16_units(cp) - 1;
    if ((seen & 1u) == 0) {
      const auto cost = static_cast<unsigned>(gsm7::septet_cost(cp, NationalLanguage::none));
      s.septets += cost;
      seen |= 1u << cost;
    }
  }
  s.gsm_ok = (seen & 1u) == 0;
  s.escapes = (seen & 4u) != 0;
  return true;
}

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

// Width of each character: septets under `lang` (0 = not encodable) or, for `ucs2`, UTF-16
// units. The text is known to be valid UTF-8 here.
bool count_parts(std::string_view utf8, bool ucs2, NationalLanguage lang, Counter& counter) {
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = utf::next(utf8, i);
    const auto width = ucs2 ? utf::utf16_units(cp)
                            : static_cast<std::size_t>(gsm7::septet_cost(cp, lang));
    if (width == 0) return false;
    counter.add(width);
  }
  return true;
}

Plan make_plan(Encoding encoding, NationalLanguage lang, std::size_t characters,
               std::size_t single_capacity, std::size_t part_capacity) {
  Plan p;
  p.encoding = encoding;
  p.language = lang;
  p.characters = characters;
  p.single_capacity = single_capacity;
  p.part_capacity = part_capacity;
  return p;
}

Plan from_counter(Plan p, const Counter& counter) {
  p.units = counter.total;
  if (p.units <= p.single_capacity) {
    p.segments = 1;
    p.units_left = p.single_capacity - p.units;
  } else {
    p.segments = counter.parts;
    p.units_left = p.part_capacity - counter.used;
  }
  return p;
}

// Counts segments of a text whose units are known; only texts that need concatenation
// and contain two-unit groups have to be walked again.
Plan finish(Plan p, std::size_t units, bool groups, std::string_view utf8) {
  p.units = units;
  if (units <= p.single_capacity) {
    p.segments = 1;
    p.units_left = p.single_capacity - units;
    return p;
  }
  if (!groups) {
    p.segments = (units + p.part_capacity - 1) / p.part_capacity;
    p.units_left = p.segments * p.part_capacity - units;
    return p;
  }
  Counter counter{p.part_capacity};
  count_parts(utf8, p.encoding == Encoding::ucs2, p.language, counter);
  return from_counter(p, counter);
}

}  // namespace

Expected<Plan> plan_text(std::string_view utf8, const TextOptions& options,
                         Concatenation concatenation) {
  if (utf8.empty()) return fail(Errc::empty_text, "the message text is empty");
  Scan s;
  if (!scan(utf8, s)) return fail(Errc::invalid_utf8, "the message text is not valid UTF-8");
  // payload mode bills as if a udh8 header were used
  const Concatenation c =
      concatenation == Concatenation::udh16 ? Concatenation::udh16 : Concatenation::udh8;
  if (s.gsm_ok) {
    const Plan p = make_plan(Encoding::gsm7, NationalLanguage::none, s.characters,
                             udh::kMaxSeptets, udh::septet_capacity(udh::length(true, c, false)));
    return finish(p, s.septets, s.escapes, utf8);
  }
  for (const NationalLanguage lang : options.national_languages) {
    if (lang == NationalLanguage::none) continue;
    Plan p = make_plan(Encoding::gsm7, lang, s.characters,
                       udh::septet_capacity(udh::length(false, c, true)),
                       udh::septet_capacity(udh::length(true, c, true)));
    Counter counter{p.part_capacity};
    if (count_parts(utf8, false, lang, counter)) return from_counter(p, counter);
  }
  const Plan p = make_plan(Encoding::ucs2, NationalLanguage::none, s.characters,
                           udh::ucs2_capacity(0), udh::ucs2_capacity(udh::length(true, c, false)));
  return finish(p, s.characters + s.pairs, s.pairs > 0, utf8);
}

}  // namespace diskret::sms
