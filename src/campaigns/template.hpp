#pragma once
/// Campaign templates: plain text with placeholders {{first_name}}, {{last_name}} and
/// {{fields.<name>}}, each with an optional default ({{first_name|Kundin/Kunde}}) used when
/// the contact has no value. Rendering is one pass over the parsed template: values from
/// contacts are inserted as they are and never parsed again, so braces in a contact's data
/// cannot inject a placeholder. Output is SMS plain text (no HTML escaping).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/expected.hpp"

namespace diskret::campaigns {

inline constexpr std::size_t kMaxTemplateLength = 4'000;

/// The personal values a template may use.
struct Personal {
  std::string first_name;
  std::string last_name;
  std::vector<std::pair<std::string, std::string>> fields;
};

struct Placeholder {
  enum class Kind : std::uint8_t { first_name, last_name, field };
  Kind kind = Kind::first_name;
  std::string field;                    ///< for Kind::field: the name after "fields."
  std::optional<std::string> fallback;  ///< the default after '|'
};

class Template {
 public:
  /// Errc::invalid_argument with a detail naming the problem: empty text, "{{" without
  /// "}}", an unknown placeholder, braces in a default, longer than kMaxTemplateLength.
  static Expected<Template> parse(std::string_view text);

  /// The text for one contact: a missing or empty value takes the default, else "".
  std::string render(const Personal& personal) const;

  const std::vector<Placeholder>& placeholders() const { return placeholders_; }

 private:
  // parts_[i] is literal text; placeholders_[i] follows parts_[i].
  std::vector<std::string> parts_;
  std::vector<Placeholder> placeholders_;
};

}  // namespace diskret::campaigns
