#include "contacts/contact.hpp"

#include <algorithm>
#include <cstdint>

#include "contacts/text_checks.hpp"

namespace diskret::contacts {
namespace {

std::optional<std::string> check_text(std::string_view s, std::size_t max_chars) {
  if (!valid_utf8(s)) return "not valid UTF-8";
  if (has_control(s, false)) return "contains control characters";
  if (utf8_length(s) > max_chars) return "longer than " + std::to_string(max_chars) + " characters";
  return std::nullopt;
}

bool ascii_punct(char c) {
  const auto b = static_cast<std::uint8_t>(c);
  return b < 0x80 && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9');
}

}  // namespace

std::optional<std::string> check_name(std::string_view name) {
  return check_text(name, kMaxNameChars);
}

std::optional<std::string> check_list_name(std::string_view name) {
  if (trim(name).empty()) return "empty";
  return check_text(name, kMaxListNameChars);
}

std::optional<std::string> check_field_key(std::string_view key) {
  if (key.empty()) return "empty key";
  if (key.size() > kMaxFieldKeyBytes) {
    return "key longer than " + std::to_string(kMaxFieldKeyBytes) + " bytes";
  }
  if (!valid_utf8(key)) return "key is not valid UTF-8";
  if (key.front() >= '0' && key.front() <= '9') return "key starts with a digit";
  for (char c : key) {
    if (c != '_' && ascii_punct(c)) return "key may hold only letters, digits and '_'";
  }
  return std::nullopt;
}

std::optional<std::string> check_field_value(std::string_view value) {
  if (!valid_utf8(value)) return "not valid UTF-8";
  if (has_control(value, true)) return "contains control characters";
  if (value.size() > kMaxFieldValueBytes) {
    return "longer than " + std::to_string(kMaxFieldValueBytes) + " bytes";
  }
  return std::nullopt;
}

std::string normalise_key(std::string_view text) {
  std::string key;
  for (char c : trim(text)) {
    if (ascii_punct(c)) {
      if (!key.empty() && key.back() != '_') key += '_';
    } else {
      key += c;
    }
  }
  while (!key.empty() && key.back() == '_') key.pop_back();
  return ascii_lower(key);
}

std::vector<FieldError> normalise_fields(CustomFields& fields, std::string_view prefix) {
  std::vector<FieldError> errors;
  const auto name = [&](const std::string& key) { return std::string(prefix) + key; };
  if (fields.size() > kMaxCustomFields) {
    errors.push_back(
        {std::string(prefix.substr(0, prefix.size() - (prefix.ends_with('.') ? 1 : 0))),
         "more than " + std::to_string(kMaxCustomFields) + " fields"});
  }
  std::stable_sort(fields.begin(), fields.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& [key, value] = fields[i];
    if (auto why = check_field_key(key)) {
      errors.push_back({name(key), *why});
    } else if (i > 0 && fields[i - 1].first == key) {
      errors.push_back({name(key), "given twice"});
    } else if (auto bad = check_field_value(value)) {
      errors.push_back({name(key), *bad});
    }
  }
  return errors;
}

}  // namespace diskret::contacts
