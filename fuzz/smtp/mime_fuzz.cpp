// libFuzzer target for mime_to_text (GMime) and the HTML/plain-text converters.
// Properties checked (a violation traps):
//   * never crashes, never reads out of bounds (ASan), whatever the MIME structure;
//   * a converted text is non-empty, valid UTF-8, and has no control characters but '\n';
//   * conversion is a pure function: the same bytes give the same text twice;
//   * no GLib/GMime API is misused (criticals abort).
#include <glib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "smtp/html_to_text.hpp"
#include "smtp/mime_to_text.hpp"
#include "smtp/text_cleanup.hpp"

namespace {

void check_text(const std::string& text) {
  if (text.empty()) __builtin_trap();
  if (!g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) __builtin_trap();
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\n') || c == 0x7f) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_log_set_always_fatal(static_cast<GLogLevelFlags>(G_LOG_LEVEL_CRITICAL | G_LOG_FLAG_FATAL));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace diskret::smtp;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (bool prefix : {false, true}) {
    auto text = mime_to_text(input, {.subject_as_prefix = prefix});
    if (!text) continue;
    check_text(*text);
    auto again = mime_to_text(input, {.subject_as_prefix = prefix});
    if (!again || *again != *text) __builtin_trap();
  }
  // The converters on their own, with the raw bytes as body text.
  std::string html = html_to_text(input);
  std::string cleaned =
      normalise_whitespace(strip_signature(strip_quoted_reply(unflow(input, size % 2))));
  (void)html;
  (void)cleaned;
  if (g_utf8_validate(input.data(), static_cast<gssize>(input.size()), nullptr)) {
    std::string converted = html_to_text(input);
    if (!g_utf8_validate(converted.data(), static_cast<gssize>(converted.size()), nullptr))
      __builtin_trap();
  }
  return 0;
}
