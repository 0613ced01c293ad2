#include "sms/smart_encoding.hpp"

#include <algorithm>
#include <cstdio>

#include "sms/text.hpp"
#include "sms/utf.hpp"

namespace diskret::sms {
namespace {

struct LookAlike {
  char32_t cp;
  const char* gsm;
};

// Sorted by code point. Only characters a word processor or phone keyboard substitutes on
// its own: letters are never changed, whatever their look.
constexpr LookAlike kLookAlikes[] = {
    {0x0060, "'"},    // grave accent used as an apostrophe
    {0x00A0, " "},    // no-break space
    {0x00AB, "\""},   // «
    {0x00AD, ""},     // soft hyphen (invisible)
    {0x00B4, "'"},    // acute accent used as an apostrophe
    {0x00BB, "\""},   // »
    {0x02B9, "'"},    {0x02BA, "\""}, {0x02BC, "'"}, {0x02C6, "^"}, {0x02DC, "~"},
    {0x2000, " "},    {0x2001, " "},  {0x2002, " "},  {0x2003, " "},  {0x2004, " "},
    {0x2005, " "},    {0x2006, " "},  {0x2007, " "},  {0x2008, " "},  {0x2009, " "},
    {0x200A, " "},
    {0x200B, ""},     // zero-width space
    {0x200C, ""},     // zero-width non-joiner
    {0x200D, ""},     // zero-width joiner
    {0x2010, "-"},    {0x2011, "-"},  {0x2012, "-"},  {0x2013, "-"},  {0x2014, "-"},
    {0x2015, "-"},
    {0x2018, "'"},    {0x2019, "'"},  {0x201A, "'"},  {0x201B, "'"},
    {0x201C, "\""},   {0x201D, "\""}, {0x201E, "\""}, {0x201F, "\""},
    {0x2022, "-"},    // bullet
    {0x2024, "."},    // one dot leader
    {0x2026, "..."},  // horizontal ellipsis
    {0x2028, "\n"},   // line separator
    {0x2029, "\n"},   // paragraph separator
    {0x202F, " "},    // narrow no-break space
    {0x2032, "'"},    {0x2033, "\""},
    {0x2039, "'"},    {0x203A, "'"},
    {0x2044, "/"},    // fraction slash
    {0x205F, " "},    // medium mathematical space
    {0x2060, ""},     // word joiner
    {0x2212, "-"},    // minus sign
    {0x2215, "/"},    // division slash
    {0x3000, " "},    // ideographic space
    {0xFEFF, ""},     // byte order mark / zero-width no-break space
    {0xFF02, "\""},   {0xFF07, "'"},
};

bool is_gsm7(std::string_view utf8) {
  auto info = analyse(utf8);
  return info && info->encoding == Encoding::gsm7;
}

}  // namespace

const char* look_alike_replacement(char32_t cp) noexcept {
  const auto* end = std::end(kLookAlikes);
  const auto* it = std::lower_bound(std::begin(kLookAlikes), end, cp,
                                    [](const LookAlike& l, char32_t c) { return l.cp < c; });
  return it != end && it->cp == cp ? it->gsm : nullptr;
}

std::string code_point_name(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

SmartEncoded smart_encode(std::string_view utf8) {
  SmartEncoded out;
  // ASCII-only texts (the common case) need no second look.
  const bool ascii = std::all_of(utf8.begin(), utf8.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii || !utf::valid(utf8) || is_gsm7(utf8)) {
    out.text = std::string(utf8);
    return out;
  }
  std::string replaced;
  replaced.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const std::size_t start = i;
    const char32_t cp = utf::next(utf8, i);
    const char* gsm = look_alike_replacement(cp);
    if (gsm == nullptr) {
      replaced.append(utf8.substr(start, i - start));
      continue;
    }
    replaced += gsm;
    auto seen = std::find_if(out.replacements.begin(), out.replacements.end(),
                             [cp](const Replacement& r) { return r.from == cp; });
    if (seen == out.replacements.end()) {
      out.replacements.push_back({cp, gsm, 1});
    } else {
      ++seen->count;
    }
  }
  // Worth it only if the result is GSM-7 (and not empty, e.g. only zero-width spaces).
  if (out.replacements.empty() || replaced.empty() || !is_gsm7(replaced)) {
    out.replacements.clear();
    out.text = std::string(utf8);
    return out;
  }
  out.text = std::move(replaced);
  return out;
}

}  // namespace diskret::sms
