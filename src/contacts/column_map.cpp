#include "contacts/column_map.hpp"

#include <array>
#include <utility>

#include "contacts/contact.hpp"
#include "contacts/errc.hpp"
#include "contacts/text_checks.hpp"

namespace diskret::contacts {
namespace {

// Header names (after normalise_key) that map to a known field. German spreadsheets say
// Telefon/Handy/Vorname/Nachname; CRM exports say mobile/first_name.
constexpr std::array<std::pair<std::string_view, ColumnKind>, 46> kAliases{{
    {"phone", ColumnKind::phone},
    {"number", ColumnKind::phone},
    {"mobile", ColumnKind::phone},
    {"telefon", ColumnKind::phone},
    {"handy", ColumnKind::phone},
    {"phone_number", ColumnKind::phone},
    {"phonenumber", ColumnKind::phone},
    {"mobile_number", ColumnKind::phone},
    {"mobile_phone", ColumnKind::phone},
    {"telephone", ColumnKind::phone},
    {"tel", ColumnKind::phone},
    {"cell", ColumnKind::phone},
    {"msisdn", ColumnKind::phone},
    {"nummer", ColumnKind::phone},
    {"mobil", ColumnKind::phone},
    {"telefonnummer", ColumnKind::phone},
    {"handynummer", ColumnKind::phone},
    {"mobilnummer", ColumnKind::phone},
    {"mobilfunknummer", ColumnKind::phone},
    {"rufnummer", ColumnKind::phone},
    {"first_name", ColumnKind::first_name},
    {"firstname", ColumnKind::first_name},
    {"given_name", ColumnKind::first_name},
    {"vorname", ColumnKind::first_name},
    {"last_name", ColumnKind::last_name},
    {"lastname", ColumnKind::last_name},
    {"surname", ColumnKind::last_name},
    {"family_name", ColumnKind::last_name},
    {"nachname", ColumnKind::last_name},
    {"familienname", ColumnKind::last_name},
    {"list", ColumnKind::lists},
    {"lists", ColumnKind::lists},
    {"liste", ColumnKind::lists},
    {"listen", ColumnKind::lists},
    {"consent_purpose", ColumnKind::consent_purpose},
    {"consent_source", ColumnKind::consent_source},
    {"consent_wording", ColumnKind::consent_wording},
    {"consent_text", ColumnKind::consent_wording},
    {"consent_obtained_at", ColumnKind::consent_obtained_at},
    {"consent_at", ColumnKind::consent_obtained_at},
    {"consent_date", ColumnKind::consent_obtained_at},
    {"consent_time", ColumnKind::consent_obtained_at},
    {"consent_timestamp", ColumnKind::consent_obtained_at},
    {"consent_given_at", ColumnKind::consent_obtained_at},
    {"consent_confirmed_at", ColumnKind::consent_confirmed_at},
    {"consent_double_opt_in_confirmed_at", ColumnKind::consent_confirmed_at},
}};

std::optional<ColumnKind> known_kind(std::string_view key) {
  for (const auto& [alias, kind] : kAliases) {
    if (alias == key) return kind;
  }
  return std::nullopt;
}

std::string quoted(std::string_view header) { return "\"" + std::string(header) + "\""; }

}  // namespace

std::optional<std::size_t> ColumnMap::index(ColumnKind kind) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].kind == kind) return i;
  }
  return std::nullopt;
}

bool ColumnMap::has_consent() const {
  for (const auto& c : columns) {
    if (c.kind >= ColumnKind::consent_purpose && c.kind <= ColumnKind::consent_confirmed_at) {
      return true;
    }
  }
  return false;
}

Expected<ColumnMap> map_header(const std::vector<std::string>& header) {
  ColumnMap map;
  map.columns.reserve(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string_view text = trim(header[i]);
    if (!valid_utf8(text)) {
      return fail(Errc::not_utf8,
                  "column " + std::to_string(i + 1) +
                      " of the header is not UTF-8; save the file as \"CSV UTF-8\"");
    }
    Column column;
    column.header = std::string(text);
    const std::string key = normalise_key(text);
    if (text.empty()) {
      column.kind = ColumnKind::unnamed;
    } else if (auto kind = known_kind(key)) {
      column.kind = *kind;
    } else if (key.starts_with("consent_")) {
      return fail(Errc::bad_header,
                  "unknown consent column " + quoted(text) +
                      " (known: consent_purpose, consent_source, consent_wording, "
                      "consent_obtained_at, consent_confirmed_at)");
    } else if (auto why = check_field_key(key)) {
      return fail(Errc::bad_header,
                  "column " + quoted(text) + " cannot name a custom field: " + *why);
    } else {
      column.kind = ColumnKind::custom;
      column.key = key;
    }
    for (const auto& earlier : map.columns) {
      const bool same = earlier.kind == column.kind && column.kind != ColumnKind::unnamed &&
                        (column.kind != ColumnKind::custom || earlier.key == column.key);
      if (same) {
        return fail(Errc::bad_header, "columns " + quoted(earlier.header) + " and " +
                                          quoted(column.header) +
                                          " name the same field; rename or remove one");
      }
    }
    map.columns.push_back(std::move(column));
  }
  if (!map.index(ColumnKind::phone)) {
    return fail(Errc::no_phone_column,
                "no phone column: name one phone, number, mobile, telefon or handy");
  }
  return map;
}

}  // namespace diskret::contacts
