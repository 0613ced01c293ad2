#include "contacts/opt_out.hpp"

#include <array>

#include "contacts/errc.hpp"
#include "contacts/text_checks.hpp"

namespace diskret::contacts {
namespace {

constexpr std::array<std::string_view, 5> kStopWords{"STOP", "STOPP", "ABMELDEN", "ABBESTELLEN",
                                                     "UNSUBSCRIBE"};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_word_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         (static_cast<unsigned char>(c) >= 0x80);
}

// Lower-case ASCII, every run of blanks one space, no blanks at the ends.
std::string fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : trim(s)) {
    if (is_blank(c)) {
      if (out.empty() || out.back() != ' ') out += ' ';
    } else {
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return out;
}

bool has_stop_word(std::string_view text) {
  for (std::string_view word : kStopWords) {
    for (std::size_t at = text.find(word); at != std::string_view::npos;
         at = text.find(word, at + 1)) {
      const bool starts = at == 0 || !is_word_char(text[at - 1]);
      const std::size_t end = at + word.size();
      const bool ends = end == text.size() || !is_word_char(text[end]);
      if (starts && ends) return true;
    }
  }
  return false;
}

// The last run of 3+ digits in the opt-out text: the number a STOP goes to.
std::string_view reply_number(std::string_view opt_out_text) {
  std::string_view best;
  std::size_t i = 0;
  while (i < opt_out_text.size()) {
    if (opt_out_text[i] < '0' || opt_out_text[i] > '9') {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < opt_out_text.size() && opt_out_text[j] >= '0' && opt_out_text[j] <= '9') ++j;
    if (j - i >= 3) best = opt_out_text.substr(i, j - i);
    i = j;
  }
  return best;
}

}  // namespace

std::string default_opt_out_text(std::string_view reply_number) {
  return "Abmelden: STOP an " + std::string(reply_number);
}

bool has_opt_out_instruction(std::string_view text, std::string_view opt_out_text) {
  const std::string folded_opt_out = fold(opt_out_text);
  if (!folded_opt_out.empty() && fold(text).find(folded_opt_out) != std::string::npos) return true;
  if (!has_stop_word(text)) return false;
  const std::string_view number = reply_number(opt_out_text);
  return number.empty() || text.find(number) != std::string_view::npos;
}

Expected<OptOutText> ensure_opt_out(std::string_view text, std::string_view opt_out_text,
                                    const sms::TextOptions& options) {
  auto before = sms::analyse(text, options);
  if (!before) return unexpected(before.error());
  OptOutText out;
  if (has_opt_out_instruction(text, opt_out_text)) {
    out.text = std::string(text);
    out.info = *before;
    return out;
  }
  if (trim(opt_out_text).empty()) {
    return fail(Errc::no_opt_out_text,
                "marketing text without an opt-out instruction, and the tenant has no opt-out "
                "text to append (set one or assign an inbound number)");
  }
  out.text = std::string(text);
  if (!is_blank(out.text.back())) out.text += '\n';
  out.text += trim(opt_out_text);
  auto after = sms::analyse(out.text, options);
  if (!after) return unexpected(after.error());
  out.appended = true;
  out.info = *after;
  out.extra_segments = after->segments - before->segments;
  return out;
}

}  // namespace diskret::contacts
