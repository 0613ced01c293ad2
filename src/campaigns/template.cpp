#include "campaigns/template.hpp"

#include <algorithm>

namespace diskret::campaigns {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool field_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

Error invalid(std::string detail) {
  return Error{make_error_code(Errc::invalid_argument), std::move(detail)};
}

Expected<Placeholder> parse_placeholder(std::string_view inside) {
  Placeholder p;
  std::string_view name = inside;
  if (auto bar = inside.find('|'); bar != std::string_view::npos) {
    name = inside.substr(0, bar);
    const std::string_view fallback = trim(inside.substr(bar + 1));
    if (fallback.find_first_of("{}") != std::string_view::npos) {
      return unexpected(invalid("the default of {{" + std::string(trim(name)) +
                                "}} must not contain braces"));
    }
    p.fallback = std::string(fallback);
  }
  name = trim(name);
  constexpr std::string_view kFields = "fields.";
  if (name == "first_name") {
    p.kind = Placeholder::Kind::first_name;
  } else if (name == "last_name") {
    p.kind = Placeholder::Kind::last_name;
  } else if (name.starts_with(kFields) && name.size() > kFields.size() &&
             std::all_of(name.begin() + kFields.size(), name.end(), field_name_char)) {
    p.kind = Placeholder::Kind::field;
    p.field = std::string(name.substr(kFields.size()));
  } else {
    return unexpected(invalid("unknown placeholder {{" + std::string(name) +
                              "}}; use first_name, last_name or fields.<name>"));
  }
  return p;
}

}  // namespace

Expected<Template> Template::parse(std::string_view text) {
  if (trim(text).empty()) return unexpected(invalid("must not be empty"));
  if (text.size() > kMaxTemplateLength) {
    return unexpected(invalid("is longer than " + std::to_string(kMaxTemplateLength) + " bytes"));
  }
  Template t;
  std::string literal;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      literal.append(text.substr(pos));
      break;
    }
    literal.append(text.substr(pos, open - pos));
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return unexpected(invalid("\"{{\" at byte " + std::to_string(open) + " has no closing \"}}\""));
    }
    auto placeholder = parse_placeholder(text.substr(open + 2, close - open - 2));
    if (!placeholder) return unexpected(placeholder.error());
    t.parts_.push_back(std::move(literal));
    literal.clear();
    t.placeholders_.push_back(std::move(*placeholder));
    pos = close + 2;
  }
  t.parts_.push_back(std::move(literal));
  return t;
}

std::string Template::render(const Personal& personal) const {
  std::string out;
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    out += parts_[i];
    if (i >= placeholders_.size()) break;
    const Placeholder& p = placeholders_[i];
    std::string_view value;
    switch (p.kind) {
      case Placeholder::Kind::first_name:
        value = personal.first_name;
        break;
      case Placeholder::Kind::last_name:
        value = personal.last_name;
        break;
      case Placeholder::Kind::field:
        for (const auto& [name, v] : personal.fields) {
          if (name == p.field) {
            value = v;
            break;
          }
        }
        break;
    }
    if (trim(value).empty() && p.fallback) value = *p.fallback;
    out += value;
  }
  return out;
}

}  // namespace diskret::campaigns
