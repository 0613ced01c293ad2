#include "smtp/text_cleanup.hpp"

#include <vector>

namespace diskret::smtp {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      if (start < text.size()) lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

bool is_quoted(std::string_view line) { return starts_with(trim(line), ">"); }

/// "On Mon, 1 Jan 2024, Ann <a@b> wrote:" / "Am 01.01.2024 um 10:00 schrieb Ann:".
bool is_attribution(std::string_view line) {
  line = trim(line);
  if (ends_with(line, "wrote:")) return true;
  if (starts_with(line, "Am ") && ends_with(line, ":") &&
      line.find("schrieb") != std::string_view::npos)
    return true;
  return ends_with(line, "schrieb:");
}

/// The first line of an attribution that a mail client wrapped: it starts the sentence.
bool starts_attribution(std::string_view line) {
  line = trim(line);
  return starts_with(line, "On ") || starts_with(line, "Am ");
}

bool is_original_message_marker(std::string_view line) {
  line = trim(line);
  if (!starts_with(line, "-----")) return false;
  return line.find("Original Message") != std::string_view::npos ||
         line.find("Ursprüngliche Nachricht") != std::string_view::npos ||
         line.find("Original-Nachricht") != std::string_view::npos;
}

bool is_outlook_header_start(const std::vector<std::string_view>& lines, std::size_t i) {
  std::string_view line = trim(lines[i]);
  if (line.size() < 10 || line.find_first_not_of('_') != std::string_view::npos) return false;
  if (i + 1 >= lines.size()) return false;
  std::string_view next = trim(lines[i + 1]);
  return starts_with(next, "From:") || starts_with(next, "Von:");
}

std::string join(const std::vector<std::string_view>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    out += lines[i];
  }
  return out;
}

/// Byte length of a UTF-8 space-like character at `at` that becomes ' ' (0 if none), or of an
/// invisible one that is dropped (reported through `drop`).
std::size_t special_space(std::string_view s, std::size_t at, bool& drop) {
  auto b = [&](std::size_t k) {
    return at + k < s.size() ? static_cast<unsigned char>(s[at + k]) : 0u;
  };
  drop = false;
  if (b(0) == 0xC2 && b(1) == 0xA0) return 2;               // NBSP
  if (b(0) == 0xC2 && b(1) == 0xAD) return drop = true, 2;  // soft hyphen
  if (b(0) == 0xE2 && b(1) == 0x80) {
    if (b(2) >= 0x80 && b(2) <= 0x8A) return 3;                               // U+2000..U+200A
    if (b(2) == 0xAF) return 3;                                               // U+202F narrow NBSP
    if (b(2) == 0x8B || b(2) == 0x8E || b(2) == 0x8F) return drop = true, 3;  // ZWSP, LRM, RLM
    if (b(2) == 0xA8 || b(2) == 0xA9) return 3;  // line/paragraph separator
  }
  if (b(0) == 0xE2 && b(1) == 0x81 && b(2) == 0x9F) return 3;               // U+205F
  if (b(0) == 0xE3 && b(1) == 0x80 && b(2) == 0x80) return 3;               // U+3000
  if (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) return drop = true, 3;  // BOM
  return 0;
}

}  // namespace

std::string unflow(std::string_view text, bool delsp) {
  std::string out;
  bool joining = false;
  for (std::string_view line : split_lines(text)) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line.front() == ' ') line.remove_prefix(1);  // space stuffing
    const bool soft = !line.empty() && line.back() == ' ' && line != "-- ";
    if (!joining && !out.empty()) out += '\n';
    if (soft && delsp) line.remove_suffix(1);
    out += line;
    joining = soft;
  }
  return out;
}

std::string strip_quoted_reply(std::string_view text) {
  auto lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (is_original_message_marker(lines[i]) || is_outlook_header_start(lines, i)) {
      lines.resize(i);
      break;
    }
  }
  std::vector<bool> drop(lines.size(), false);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!is_quoted(lines[i])) continue;
    drop[i] = true;
    if (i > 0 && is_quoted(lines[i - 1])) continue;
    // The start of a quoted block: look back over blank lines for its attribution.
    std::size_t j = i;
    while (j > 0 && trim(lines[j - 1]).empty()) --j;
    if (j == 0 || !is_attribution(lines[j - 1])) continue;
    drop[j - 1] = true;
    if (j >= 2 && !starts_attribution(lines[j - 1]) && starts_attribution(lines[j - 2]))
      drop[j - 2] = true;
  }
  std::vector<std::string_view> kept;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!drop[i]) kept.push_back(lines[i]);
  }
  return join(kept);
}

std::string strip_signature(std::string_view text) {
  auto lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == "-- " || line == "--") {
      lines.resize(i);
      break;
    }
  }
  return join(lines);
}

std::string normalise_whitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t blank_lines = 0;
  bool any_line = false;
  for (std::string_view raw : split_lines(text)) {
    std::string line;
    bool space = false;
    for (std::size_t i = 0; i < raw.size();) {
      bool drop = false;
      std::size_t n = special_space(raw, i, drop);
      unsigned char c = static_cast<unsigned char>(raw[i]);
      if (n == 0 && (c == ' ' || c == '\t' || c == '\v' || c == '\f')) n = 1;
      if (n > 0) {
        i += n;
        if (!drop) space = true;
        continue;
      }
      ++i;
      if (c < 0x20 || c == 0x7F) continue;  // control characters, including stray CR
      if (space && !line.empty()) line += ' ';
      space = false;
      line += static_cast<char>(c);
    }
    if (line.empty()) {
      ++blank_lines;
      continue;
    }
    if (any_line) out += blank_lines > 0 ? "\n\n" : "\n";
    out += line;
    any_line = true;
    blank_lines = 0;
  }
  return out;
}

}  // namespace diskret::smtp
