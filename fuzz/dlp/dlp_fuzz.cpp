// libFuzzer target for the DLP detectors: any bytes as a message text. Findings lie inside
// the text, in order and without overlap; the pre-check never hides one; every card is
// Luhn-valid in a known range and every IBAN passes mod-97; masking keeps the length and
// leaves at most four letters or digits of a finding; with a tenant pattern the screener
// still terminates (match limit).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dlp/detector.hpp"
#include "dlp/screener.hpp"

namespace {

using namespace diskret::dlp;

void check(bool ok) {
  if (!ok) std::abort();
}

bool alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto findings = find_builtin(text);
  if (!may_contain_builtin(text)) check(findings.empty());
  std::size_t end = 0;
  for (const auto& f : findings) {
    check(f.offset >= end && f.length > 0 && f.offset + f.length <= text.size());
    end = f.offset + f.length;
    std::string compact;
    for (char c : text.substr(f.offset, f.length)) {
      if (alnum(c)) compact += c;
    }
    if (f.kind == Kind::card_number) check(luhn_valid(compact) && known_card_range(compact));
    if (f.kind == Kind::iban) check(iban_valid(compact));
  }
  const auto masked = mask(text, findings);
  check(masked.size() == text.size());
  for (const auto& f : findings) {
    int left = 0;
    for (char c : std::string_view(masked).substr(f.offset, f.length)) left += alnum(c) ? 1 : 0;
    check(left <= 4);
  }
  static const Screener screener = [] {
    auto s = Screener::compile(Rules{Policy::mask, {{"nested", "(\\d+)+x"}, {"word", "geheim\\w*"}}});
    if (!s) std::abort();
    return std::move(*s);
  }();
  const auto verdict = screener.screen(text);
  if (!findings.empty()) check(verdict.action == Action::masked);
  if (verdict.action == Action::masked) check(verdict.text.size() == text.size());
  return 0;
}
