#pragma once
/// A contact as a tenant gives it (API body or CSV row) and the checks every personal field
/// passes before it is stored. Pure code.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "contacts/consent.hpp"
#include "contacts/field_error.hpp"

namespace diskret::contacts {

inline constexpr std::size_t kMaxNameChars = 100;
inline constexpr std::size_t kMaxFieldKeyBytes = 64;
inline constexpr std::size_t kMaxFieldValueBytes = 1024;
inline constexpr std::size_t kMaxCustomFields = 50;
inline constexpr std::size_t kMaxListNameChars = 100;
inline constexpr std::size_t kMaxListsPerContact = 100;

/// Custom fields, sorted by key, keys unique.
using CustomFields = std::vector<std::pair<std::string, std::string>>;

struct ContactDraft {
  std::string phone;  ///< E.164
  std::string first_name;
  std::string last_name;
  CustomFields fields;
  std::vector<std::string> list_names;  ///< CSV imports name lists; the API uses ids
  std::optional<Consent> consent;
  friend bool operator==(const ContactDraft&, const ContactDraft&) = default;
};

/// Reasons (nullopt = fine). Names: UTF-8, no control characters, at most 100 characters.
std::optional<std::string> check_name(std::string_view name);
/// Keys: 1..64 bytes of ASCII letters, digits, '_' and non-ASCII characters, no digit
/// first, so that templates can say {{fields.key}}.
std::optional<std::string> check_field_key(std::string_view key);
/// Values: UTF-8, at most 1024 bytes, line breaks and tabs allowed, other controls not.
std::optional<std::string> check_field_value(std::string_view value);
/// List names: like names.
std::optional<std::string> check_list_name(std::string_view name);

/// Turns a spreadsheet header or free key into a field key: trimmed, ASCII lower case,
/// blanks and ASCII punctuation become '_' (collapsed, not at the ends). "Kunden-Nr." ->
/// "kunden_nr". May return a key that check_field_key still refuses (empty, digit first).
std::string normalise_key(std::string_view text);

/// Sorts `fields` by key and reports keys given twice, invalid keys and values, and too many
/// fields; errors are named `prefix` + key.
std::vector<FieldError> normalise_fields(CustomFields& fields, std::string_view prefix = "fields.");

}  // namespace diskret::contacts
