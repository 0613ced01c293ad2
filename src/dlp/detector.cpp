#include "dlp/detector.hpp"

#include <algorithm>
#include <array>

namespace diskret::dlp {
namespace {

constexpr std::size_t kMinCardDigits = 13;
constexpr std::size_t kMaxCardDigits = 19;

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alpha(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_alnum(char c) noexcept { return is_digit(c) || is_alpha(c); }
bool is_separator(char c) noexcept { return c == ' ' || c == '-'; }
char upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

struct IbanCountry {
  char code[3];
  std::uint8_t length;
};

// ISO 13616 registry (SWIFT IBAN registry, 2024), sorted by code.
constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
    {"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22},
    {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20},
    {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
    {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28},
    {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30},
    {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21},
    {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20}, {"MR", 27},
    {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33},
    {"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27},
    {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29},
    {"VA", 22}, {"VG", 24}, {"XK", 20},
};

// Digit positions of a run of digit groups: where each group starts and ends in the text.
struct Group {
  std::size_t begin = 0, end = 0;  // [begin, end) in the text, digits only
};

// Reads digit groups separated by one space or dash, starting at `i` (a digit).
std::vector<Group> read_groups(std::string_view text, std::size_t i) {
  std::vector<Group> groups;
  while (i < text.size() && is_digit(text[i])) {
    Group g{i, i};
    while (g.end < text.size() && is_digit(text[g.end])) ++g.end;
    groups.push_back(g);
    i = g.end;
    if (i + 1 < text.size() && is_separator(text[i]) && is_digit(text[i + 1])) {
      ++i;
    } else {
      break;
    }
  }
  return groups;
}

bool ends_cleanly(std::string_view text, std::size_t end) {
  return end >= text.size() || !is_alnum(text[end]);
}

// A card number is a whole number of groups inside the run: no digits of it glued to
// other digits or letters. Tries every start group and takes the first match.
void find_cards_in_run(std::string_view text, const std::vector<Group>& groups,
                       std::vector<Finding>& out) {
  std::string digits;
  for (std::size_t first = 0; first < groups.size(); ++first) {
    digits.clear();
    for (std::size_t last = first; last < groups.size(); ++last) {
      digits.append(text.substr(groups[last].begin, groups[last].end - groups[last].begin));
      if (digits.size() > kMaxCardDigits) break;
      if (digits.size() < kMinCardDigits) continue;
      if (!ends_cleanly(text, groups[last].end)) continue;
      if (luhn_valid(digits) && known_card_range(digits)) {
        out.push_back({Kind::card_number, groups[first].begin,
                       groups[last].end - groups[first].begin, {}});
        first = last;  // continue after this card
        break;
      }
    }
  }
}

// An IBAN written compactly or in groups of four ("DE89 3704 0044 0532 0130 00").
void find_iban_at(std::string_view text, std::size_t i, std::vector<Finding>& out,
                  std::size_t& resume) {
  const std::size_t want = iban_length(std::string{upper(text[i]), upper(text[i + 1])});
  if (want == 0) return;
  std::string compact;
  std::size_t j = i;
  while (j < text.size() && compact.size() < want) {
    if (is_alnum(text[j])) {
      compact += upper(text[j]);
      ++j;
    } else if (text[j] == ' ' && j + 1 < text.size() && is_alnum(text[j + 1]) &&
               compact.size() % 4 == 0) {
      ++j;  // a space is allowed only between groups of four
    } else {
      break;
    }
  }
  if (compact.size() != want || !ends_cleanly(text, j)) return;
  if (!iban_valid(compact)) return;
  out.push_back({Kind::iban, i, j - i, {}});
  resume = j;
}

}  // namespace

const char* kind_name(Kind k) noexcept {
  switch (k) {
    case Kind::card_number: return "card_number";
    case Kind::iban: return "iban";
    case Kind::custom: return "custom";
  }
  return "unknown";
}

bool luhn_valid(std::string_view digits) noexcept {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (!is_digit(*it)) return false;
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool known_card_range(std::string_view d) noexcept {
  const std::size_t n = d.size();
  if (n < kMinCardDigits || n > kMaxCardDigits) return false;
  auto prefix = [&](std::size_t len) {
    int v = 0;
    for (std::size_t k = 0; k < len; ++k) v = v * 10 + (d[k] - '0');
    return v;
  };
  const int p2 = prefix(2), p3 = prefix(3), p4 = prefix(4), p6 = prefix(6);
  // 13-digit Visa numbers are no longer issued; leaving them out keeps 13-digit phone
  // numbers written without '+' (49151...) from ever matching.
  if (d[0] == '4') return n == 16 || n == 19;                                   // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n == 16;     // Mastercard
  if (p4 >= 2200 && p4 <= 2204) return n >= 16;                                 // Mir
  if (p2 == 34 || p2 == 37) return n == 15;                                     // Amex
  if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65) return n >= 16;       // Discover
  if (p6 >= 622126 && p6 <= 622925) return n >= 16;                             // Discover/UnionPay
  if (p4 >= 3528 && p4 <= 3589) return n >= 16;                                 // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) return n >= 14;  // Diners
  if (p2 == 62 || p2 == 81) return n >= 16;                                     // UnionPay
  if (p2 == 50 || (p2 >= 56 && p2 <= 69)) return n >= 16;                       // Maestro
  return false;
}

std::size_t iban_length(std::string_view country) noexcept {
  if (country.size() != 2) return 0;
  const auto* end = std::end(kIbanCountries);
  const auto* it = std::lower_bound(std::begin(kIbanCountries), end, country,
                                    [](const IbanCountry& c, std::string_view k) {
                                      return std::string_view(c.code, 2) < k;
                                    });
  return it != end && std::string_view(it->code, 2) == country ? it->length : 0;
}

bool iban_valid(std::string_view iban) noexcept {
  if (iban.size() < 15 || iban.size() > 34) return false;
  if (!is_alpha(iban[0]) || !is_alpha(iban[1]) || !is_digit(iban[2]) || !is_digit(iban[3])) {
    return false;
  }
  // Rearranged (BBAN + country + check digits), letters as 10..35, reduced digit by digit.
  unsigned remainder = 0;
  auto feed = [&](char c) {
    if (is_digit(c)) {
      remainder = (remainder * 10 + static_cast<unsigned>(c - '0')) % 97;
    } else if (is_alpha(c)) {
      const unsigned v = static_cast<unsigned>(upper(c) - 'A') + 10;
      remainder = (remainder * 100 + v) % 97;
    } else {
      return false;
    }
    return true;
  };
  for (std::size_t k = 4; k < iban.size(); ++k) {
    if (!feed(iban[k])) return false;
  }
  for (std::size_t k = 0; k < 4; ++k) feed(iban[k]);
  return remainder == 1;
}

bool may_contain_builtin(std::string_view text) noexcept {
  std::size_t digits = 0;
  bool international = false;  // the first group of "+49 151 ..." is a country code
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_digit(c)) {
      if (digits == 0 && !international && i > 0 && text[i - 1] == '+') international = true;
      if (!international && ++digits >= kMinCardDigits) return true;
    } else if (is_separator(c) && i > 0 && is_digit(text[i - 1]) && i + 1 < text.size() &&
               is_digit(text[i + 1])) {
      international = false;  // the scanner starts a token after the country code too
    } else {
      digits = 0;
      international = false;
    }
    if (i + 3 < text.size() && is_alpha(c) && is_alpha(text[i + 1]) && is_digit(text[i + 2]) &&
        is_digit(text[i + 3])) {
      return true;
    }
  }
  return false;
}

std::vector<Finding> find_builtin(std::string_view text) {
  std::vector<Finding> out;
  if (!may_contain_builtin(text)) return out;
  for (std::size_t i = 0; i < text.size();) {
    const bool starts_token = i == 0 || !is_alnum(text[i - 1]);
    if (starts_token && is_digit(text[i]) && (i == 0 || text[i - 1] != '+')) {
      auto groups = read_groups(text, i);
      find_cards_in_run(text, groups, out);
      i = groups.back().end;
      continue;
    }
    if (starts_token && i + 3 < text.size() && is_alpha(text[i]) && is_alpha(text[i + 1]) &&
        is_digit(text[i + 2]) && is_digit(text[i + 3])) {
      std::size_t resume = i + 1;
      find_iban_at(text, i, out, resume);
      i = resume;
      continue;
    }
    ++i;
  }
  return out;
}

}  // namespace diskret::dlp
