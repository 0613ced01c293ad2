#pragma once
/// Maps a CSV header row to contact fields: phone/number/mobile/telefon/handy, first_name/
/// vorname, last_name/nachname, list(s)/liste(n), consent_* and custom fields for the rest.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace diskret::contacts {

enum class ColumnKind : std::uint8_t {
  phone,
  first_name,
  last_name,
  lists,
  consent_purpose,
  consent_source,
  consent_wording,
  consent_obtained_at,
  consent_confirmed_at,
  custom,   ///< a custom field named Column::key
  unnamed,  ///< empty header cell: its values must be empty
};

struct Column {
  ColumnKind kind = ColumnKind::custom;
  std::string header;  ///< as written in the file (trimmed): names the field in reports
  std::string key;     ///< custom field key
};

struct ColumnMap {
  std::vector<Column> columns;
  std::optional<std::size_t> index(ColumnKind kind) const;
  bool has_consent() const;
};

/// Fails (Errc::bad_header / no_phone_column / not_utf8) for a header that cannot be mapped
/// unambiguously: two columns for one field, unknown consent_* columns, custom keys that
/// collide or are invalid, no phone column. The detail names the columns.
Expected<ColumnMap> map_header(const std::vector<std::string>& header);

}  // namespace diskret::contacts
