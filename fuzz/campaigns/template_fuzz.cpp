// Fuzz target for campaign templates ({{first_name|default}}, {{fields.x}}). Properties
// checked (a violation traps):
//   * parse never crashes, whatever the bytes; a parsed template renders;
//   * rendering is deterministic, and contact values are inserted verbatim, never parsed:
//     a value that itself looks like a placeholder ("{{last_name}}") appears as written and
//     the output is never longer than the template plus the values it used;
//   * templates over kMaxTemplateLength are refused.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "campaigns/template.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace diskret::campaigns;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = Template::parse(text);
  if (!t) return 0;
  if (text.size() > kMaxTemplateLength) __builtin_trap();
  const std::string marker = "{{last_name}}{{fields.x}}";
  Personal p{marker, "{{first_name}}", {{"x", "{{fields.x|y}}"}, {"plz", "12345"}}};
  const std::string out = t->render(p);
  if (t->render(p) != out) __builtin_trap();
  std::size_t values = 0;
  for (const auto& ph : t->placeholders()) {
    values += marker.size() + 32 + (ph.fallback ? ph.fallback->size() : 0);
    if (ph.kind == Placeholder::Kind::first_name && out.find(marker) == std::string::npos) {
      __builtin_trap();  // the value was re-parsed or lost
    }
  }
  if (out.size() > text.size() + values) __builtin_trap();
  Personal empty;
  (void)t->render(empty);
  return 0;
}
