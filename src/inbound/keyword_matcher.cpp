#include "inbound/keyword_matcher.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace diskret::inbound {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
// Longer texts cannot be a keyword plus decoration; do not spend time on them.
constexpr std::size_t kMaxMatchInput = 256;

// Decodes one code point at `i` and advances; invalid or overlong sequences yield U+FFFD
// and consume one byte.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0)
    len = 2, cp = b0 & 0x1F;
  else if ((b0 & 0xF0) == 0xE0)
    len = 3, cp = b0 & 0x0F;
  else if ((b0 & 0xF8) == 0xF0)
    len = 4, cp = b0 & 0x07;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return kReplacement;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kReplacement;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr std::array<char32_t, 5> kMin{0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kReplacement;
  }
  i += len;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Phones insert no-break and zero-width spaces (autocorrect, copy and paste); all count
// as white space so they never make a keyword unrecognisable.
bool is_space(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200D) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x2060 || c == 0x3000 || c == 0xFEFF;
}

bool is_trailing_punctuation(char32_t c) {
  switch (c) {
    case '.':
    case ',':
    case '!':
    case '?':
    case ';':
    case ':':
    case '-':
    case '\'':
    case '"':
    case ')':
    case ']':
    case '}':
    case '*':
    case '~':
    case 0xA1:
    case 0xBF:
    case 0xAB:
    case 0xBB:  // ¡ ¿ « »
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201C:
    case 0x201D:
    case 0x201E:  // quotes
    case 0x2026:
    case 0x2013:
    case 0x2014:  // … – —
    case 0x3002:
    case 0xFF01:
    case 0xFF0E:
    case 0xFF1F:  // 。！．？
      return true;
    default:
      return false;
  }
}

// Quotes and brackets people put around a keyword they were told to send ("STOP").
bool is_leading_decoration(char32_t c) {
  switch (c) {
    case '\'':
    case '"':
    case '(':
    case '[':
    case '{':
    case 0xA1:
    case 0xBF:
    case 0xAB:
    case 0xBB:
    case 0x2018:
    case 0x201A:
    case 0x201C:
    case 0x201E:
      return true;
    default:
      return false;
  }
}

// Simple case folding for the letters keywords are written in: ASCII and Latin-1 (the
// German umlauts), plus the sharp s in both cases folded to "ss" as Unicode full folding
// does, so "ABBESTELLEN"-style keywords match however the phone capitalised them.
void append_folded(std::string& out, char32_t c) {
  if (c >= 'A' && c <= 'Z') return out.push_back(static_cast<char>(c + 32));
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return append_utf8(out, c + 0x20);
  if (c == 0xDF || c == 0x1E9E) {
    out.append("ss");
    return;
  }
  if (c == 0x178) return append_utf8(out, 0xFF);  // Ÿ
  if (c >= 0xFF21 && c <= 0xFF3A) return out.push_back(static_cast<char>(c - 0xFF21 + 'a'));
  if (c >= 0xFF41 && c <= 0xFF5A) return out.push_back(static_cast<char>(c - 0xFF41 + 'a'));
  append_utf8(out, c);
}

bool has_control(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

const char* list_name(KeywordKind kind) {
  switch (kind) {
    case KeywordKind::stop:
      return "stop";
    case KeywordKind::start:
      return "start";
    case KeywordKind::help:
      return "help";
    case KeywordKind::confirm:
      return "confirm";
  }
  return "?";
}

}  // namespace

const char* keyword_kind_name(KeywordKind kind) noexcept { return list_name(kind); }

std::optional<KeywordKind> parse_keyword_kind(std::string_view name) {
  for (auto k : {KeywordKind::stop, KeywordKind::start, KeywordKind::help, KeywordKind::confirm}) {
    if (name == list_name(k)) return k;
  }
  return std::nullopt;
}

std::string normalize_keyword_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  // Byte offset in `out` just after the last character that is not trailing punctuation;
  // white space between punctuation ("STOP !") goes with it.
  std::size_t keep = 0;
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t c = next_code_point(text, i);
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (out.empty() && is_leading_decoration(c)) continue;
    if (pending_space) out.push_back(' ');
    pending_space = false;
    append_folded(out, c);
    if (!is_trailing_punctuation(c)) keep = out.size();
  }
  out.resize(keep);
  return out;
}

KeywordLists KeywordLists::defaults() {
  return KeywordLists{
      {"STOP", "STOPP", "ABMELDEN", "ABBESTELLEN", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"},
      {"START", "ANMELDEN"},
      {"HELP", "HILFE"},
      {"YES", "JA"},
  };
}

std::vector<std::string>& KeywordLists::of(KeywordKind kind) {
  return const_cast<std::vector<std::string>&>(std::as_const(*this).of(kind));
}

const std::vector<std::string>& KeywordLists::of(KeywordKind kind) const {
  switch (kind) {
    case KeywordKind::stop:
      return stop;
    case KeywordKind::start:
      return start;
    case KeywordKind::help:
      return help;
    case KeywordKind::confirm:
      return confirm;
  }
  return stop;
}

Expected<KeywordMatcher> KeywordMatcher::create(const KeywordLists& lists) {
  if (lists.stop.empty()) return fail(Errc::no_stop_keyword);
  KeywordMatcher m;
  const std::pair<KeywordKind, const std::vector<std::string>*> all[] = {
      {KeywordKind::stop, &lists.stop},
      {KeywordKind::start, &lists.start},
      {KeywordKind::help, &lists.help},
      {KeywordKind::confirm, &lists.confirm},
  };
  for (const auto& [kind, words] : all) {
    if (words->size() > kMaxKeywordsPerList) {
      return fail(Errc::invalid_keyword, fmt::format("The {} list has more than {} keywords.",
                                                     list_name(kind), kMaxKeywordsPerList));
    }
    for (const std::string& word : *words) {
      const std::string key = normalize_keyword_text(word);
      if (key.empty() || key.size() > kMaxKeywordLength || has_control(word)) {
        return fail(Errc::invalid_keyword,
                    fmt::format("A keyword of the {} list is empty, longer than {} bytes or "
                                "contains control characters.",
                                list_name(kind), kMaxKeywordLength));
      }
      auto [it, inserted] = m.keywords_.try_emplace(key, KeywordMatch{kind, word});
      if (!inserted && it->second.kind != kind) {
        return fail(Errc::duplicate_keyword,
                    fmt::format("The keyword \"{}\" is in the {} and the {} list.", word,
                                list_name(it->second.kind), list_name(kind)));
      }
    }
  }
  // Show keywords as configured but without the decoration the normaliser ignores.
  for (auto& [key, match] : m.keywords_) {
    std::string_view w = match.keyword;
    while (!w.empty() && (w.front() == ' ' || w.front() == '\t')) w.remove_prefix(1);
    while (!w.empty() && (w.back() == ' ' || w.back() == '\t')) w.remove_suffix(1);
    match.keyword = std::string(w);
  }
  return m;
}

const KeywordMatcher& KeywordMatcher::standard() {
  static const KeywordMatcher matcher = *create(KeywordLists::defaults());
  return matcher;
}

std::optional<KeywordMatch> KeywordMatcher::match(std::string_view text) const {
  if (text.size() > kMaxMatchInput) return std::nullopt;
  const auto it = keywords_.find(normalize_keyword_text(text));
  if (it == keywords_.end()) return std::nullopt;
  return it->second;
}

}  // namespace diskret::inbound
