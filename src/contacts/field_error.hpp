#pragma once
/// A problem with one named input field, as problem+json `errors` and import reports show it.
#include <string>

namespace diskret::contacts {

struct FieldError {
  std::string field;   ///< "phone", "consent.obtained_at", a CSV column's header ...
  std::string reason;  ///< one sentence, never the offending personal data
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

}  // namespace diskret::contacts
