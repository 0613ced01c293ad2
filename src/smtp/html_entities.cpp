#include "smtp/html_entities.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <utility>

namespace diskret::smtp {
namespace {

// Sorted by name (binary search). HTML entity names are case-sensitive.
constexpr std::pair<std::string_view, char32_t> kNamed[] = {
    {"AElig", 0xC6},  {"Aacute", 0xC1},   {"Acirc", 0xC2},    {"Agrave", 0xC0},
    {"Aring", 0xC5},  {"Atilde", 0xC3},   {"Auml", 0xC4},     {"Ccedil", 0xC7},
    {"Eacute", 0xC9}, {"Ecirc", 0xCA},    {"Egrave", 0xC8},   {"Euml", 0xCB},
    {"Iacute", 0xCD}, {"Icirc", 0xCE},    {"Igrave", 0xCC},   {"Iuml", 0xCF},
    {"Ntilde", 0xD1}, {"Oacute", 0xD3},   {"Ocirc", 0xD4},    {"Ograve", 0xD2},
    {"Oslash", 0xD8}, {"Otilde", 0xD5},   {"Ouml", 0xD6},     {"Uacute", 0xDA},
    {"Ucirc", 0xDB},  {"Ugrave", 0xD9},   {"Uuml", 0xDC},     {"Yacute", 0xDD},
    {"aacute", 0xE1}, {"acirc", 0xE2},    {"acute", 0xB4},    {"aelig", 0xE6},
    {"agrave", 0xE0}, {"amp", 0x26},      {"apos", 0x27},     {"aring", 0xE5},
    {"atilde", 0xE3}, {"auml", 0xE4},     {"bdquo", 0x201E},  {"brvbar", 0xA6},
    {"bull", 0x2022}, {"ccedil", 0xE7},   {"cedil", 0xB8},    {"cent", 0xA2},
    {"copy", 0xA9},   {"curren", 0xA4},   {"dagger", 0x2020}, {"deg", 0xB0},
    {"divide", 0xF7}, {"eacute", 0xE9},   {"ecirc", 0xEA},    {"egrave", 0xE8},
    {"emsp", 0x2003}, {"ensp", 0x2002},   {"eth", 0xF0},      {"euml", 0xEB},
    {"euro", 0x20AC}, {"frac12", 0xBD},   {"frac14", 0xBC},   {"frac34", 0xBE},
    {"gt", 0x3E},     {"hellip", 0x2026}, {"iacute", 0xED},   {"icirc", 0xEE},
    {"iexcl", 0xA1},  {"igrave", 0xEC},   {"iquest", 0xBF},   {"iuml", 0xEF},
    {"laquo", 0xAB},  {"ldquo", 0x201C},  {"lsaquo", 0x2039}, {"lsquo", 0x2018},
    {"lt", 0x3C},     {"macr", 0xAF},     {"mdash", 0x2014},  {"micro", 0xB5},
    {"middot", 0xB7}, {"nbsp", 0xA0},     {"ndash", 0x2013},  {"not", 0xAC},
    {"ntilde", 0xF1}, {"oacute", 0xF3},   {"ocirc", 0xF4},    {"ograve", 0xF2},
    {"ordf", 0xAA},   {"ordm", 0xBA},     {"oslash", 0xF8},   {"otilde", 0xF5},
    {"ouml", 0xF6},   {"para", 0xB6},     {"permil", 0x2030}, {"plusmn", 0xB1},
    {"pound", 0xA3},  {"quot", 0x22},     {"raquo", 0xBB},    {"rdquo", 0x201D},
    {"reg", 0xAE},    {"rsaquo", 0x203A}, {"rsquo", 0x2019},  {"sbquo", 0x201A},
    {"sect", 0xA7},   {"shy", 0xAD},      {"sup1", 0xB9},     {"sup2", 0xB2},
    {"sup3", 0xB3},   {"szlig", 0xDF},    {"thinsp", 0x2009}, {"thorn", 0xFE},
    {"times", 0xD7},  {"trade", 0x2122},  {"uacute", 0xFA},   {"ucirc", 0xFB},
    {"ugrave", 0xF9}, {"uml", 0xA8},      {"uuml", 0xFC},     {"yacute", 0xFD},
    {"yen", 0xA5},    {"yuml", 0xFF},     {"zwj", 0x200D},    {"zwnj", 0x200C},
};

// HTML5 "numeric character reference end state": 0x80-0x9F as Windows-1252 (0 = keep).
constexpr std::array<char32_t, 32> kCp1252 = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

}  // namespace

std::optional<char32_t> named_entity(std::string_view name) {
  static_assert(std::is_sorted(std::begin(kNamed), std::end(kNamed),
                               [](const auto& a, const auto& b) { return a.first < b.first; }));
  auto it = std::lower_bound(std::begin(kNamed), std::end(kNamed), name,
                             [](const auto& entry, std::string_view n) { return entry.first < n; });
  if (it == std::end(kNamed) || it->first != name) return std::nullopt;
  return it->second;
}

std::optional<char32_t> numeric_entity(std::string_view ref) {
  if (ref.size() < 2 || ref.front() != '#') return std::nullopt;
  ref.remove_prefix(1);
  const bool hex = ref.front() == 'x' || ref.front() == 'X';
  if (hex) ref.remove_prefix(1);
  if (ref.empty() || ref.size() > 8) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : ref) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (hex && c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (hex && c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
  }
  if (value >= 0x80 && value <= 0x9F && kCp1252[value - 0x80] != 0) return kCp1252[value - 0x80];
  if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0xFFFD;
  return static_cast<char32_t>(value);
}

char32_t windows_1252(unsigned char byte) {
  if (byte < 0x80 || byte > 0x9F) return byte;
  return kCp1252[byte - 0x80] != 0 ? kCp1252[byte - 0x80] : 0xFFFD;
}

}  // namespace diskret::smtp
