#include "api/contact_json.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <initializer_list>

#include "api/rfc3339.hpp"
#include "contacts/permissions.hpp"
#include "contacts/sealed_fields.hpp"
#include "contacts/text_checks.hpp"
#include "phone/phone_number.hpp"

namespace diskret::api {
namespace {

namespace json = boost::json;
using http::FieldError;
using Errors = std::vector<FieldError>;

Expected<json::object, http::Problem> parse_object(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) {
    return unexpected(http::Problem{400,
                                    "malformed-json",
                                    "Malformed JSON",
                                    ec ? "The body is not valid JSON: " + ec.message() + "."
                                       : std::string("The body must be a JSON object."),
                                    {},
                                    {}});
  }
  return std::move(v.get_object());
}

void reject_unknown(const json::object& o, std::initializer_list<std::string_view> known,
                    std::string_view prefix, Errors& errors) {
  for (const auto& [key, value] : o) {
    if (std::find(known.begin(), known.end(), std::string_view(key)) == known.end()) {
      errors.push_back({std::string(prefix) + std::string(key), "is not a known field", {}});
    }
  }
}

// An optional string field: absent or null -> nullopt.
std::optional<std::string> string_field(const json::object& o, std::string_view name,
                                        std::string_view prefix, Errors& errors) {
  const auto* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    errors.push_back({std::string(prefix) + std::string(name), "must be a string", {}});
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<SystemTime> time_field(const json::object& o, std::string_view name,
                                     std::string_view prefix, Errors& errors) {
  auto text = string_field(o, name, prefix, errors);
  if (!text) return std::nullopt;
  auto t = parse_rfc3339(*text);
  if (!t) {
    errors.push_back({std::string(prefix) + std::string(name),
                      "must be an RFC 3339 timestamp like 2024-03-01T10:00:00Z",
                      {}});
  }
  return t;
}

std::string read_name(const json::object& o, std::string_view name, Errors& errors) {
  auto value = string_field(o, name, "", errors);
  if (!value) return {};
  std::string trimmed(contacts::trim(*value));
  if (auto why = contacts::check_name(trimmed)) errors.push_back({std::string(name), *why, {}});
  return trimmed;
}

std::optional<contacts::CustomFields> read_fields(const json::object& o, Errors& errors) {
  const auto* v = o.if_contains("fields");
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_object()) {
    errors.push_back({"fields", "must be an object of strings", {}});
    return std::nullopt;
  }
  contacts::CustomFields fields;
  for (const auto& [key, value] : v->get_object()) {
    if (!value.is_string()) {
      errors.push_back({"fields." + std::string(key), "must be a string", {}});
      continue;
    }
    if (value.get_string().empty()) continue;  // empty means "not set"
    fields.emplace_back(std::string(key), std::string(value.get_string()));
  }
  for (auto& e : contacts::normalise_fields(fields, "fields.")) {
    errors.push_back({std::move(e.field), std::move(e.reason), {}});
  }
  return fields;
}

std::optional<std::vector<std::uint64_t>> read_lists(const json::object& o, Errors& errors) {
  const auto* v = o.if_contains("lists");
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_array()) {
    errors.push_back({"lists", "must be an array of list ids", {}});
    return std::nullopt;
  }
  std::vector<std::uint64_t> ids;
  const auto& array = v->get_array();
  if (array.size() > contacts::kMaxListsPerContact) {
    errors.push_back({"lists", "at most 100 lists", {}});
    return std::nullopt;
  }
  for (std::size_t i = 0; i < array.size(); ++i) {
    const auto& item = array[i];
    const bool positive = (item.is_int64() && item.get_int64() > 0) || item.is_uint64();
    if (!positive) {
      errors.push_back({"lists[" + std::to_string(i) + "]", "must be a list id", {}});
      continue;
    }
    const auto id =
        item.is_int64() ? static_cast<std::uint64_t>(item.get_int64()) : item.get_uint64();
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

std::optional<contacts::Consent> read_consent(const json::object& o, SystemTime now,
                                              Errors& errors) {
  const auto* v = o.if_contains("consent");
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_object()) {
    errors.push_back({"consent", "must be an object", {}});
    return std::nullopt;
  }
  const auto& c = v->get_object();
  const std::size_t before = errors.size();
  reject_unknown(c, {"purpose", "source", "wording", "obtained_at", "confirmed_at"}, "consent.",
                 errors);
  contacts::Consent consent;
  consent.source = contacts::ConsentSource::api;
  if (auto purpose = string_field(c, "purpose", "consent.", errors)) consent.purpose = *purpose;
  if (auto source = string_field(c, "source", "consent.", errors)) {
    auto s = contacts::parse_consent_source(*source);
    if (!s) {
      errors.push_back(
          {"consent.source", "must be web_form, paper, sms_keyword, import or api", {}});
    } else {
      consent.source = *s;
    }
  }
  consent.wording = string_field(c, "wording", "consent.", errors).value_or("");
  consent.obtained_at = time_field(c, "obtained_at", "consent.", errors);
  consent.double_opt_in_confirmed_at = time_field(c, "confirmed_at", "consent.", errors);
  if (errors.size() != before) return std::nullopt;
  for (auto& e : contacts::validate_consent(consent, now, "consent.")) {
    errors.push_back({std::move(e.field), std::move(e.reason), {}});
  }
  return consent;
}

json::value time_or_null(const std::optional<SystemTime>& t) {
  return t ? json::value(format_rfc3339(*t)) : json::value(nullptr);
}

std::optional<tenancy::Role> read_role(const json::object& o, Errors& errors) {
  const auto* v = o.if_contains("role");
  if (v == nullptr) {
    errors.push_back({"role", "is required", {}});
    return std::nullopt;
  }
  auto role = v->is_string() ? tenancy::parse_role(v->get_string()) : std::nullopt;
  if (!role) errors.push_back({"role", "must be owner, admin, sender or viewer", {}});
  return role;
}

}  // namespace

http::Problem validation_problem(std::vector<FieldError> errors) {
  std::string names;
  for (const auto& e : errors) {
    if (names.find(e.field) == std::string::npos) names += (names.empty() ? "" : ", ") + e.field;
  }
  return http::Problem{422,
                       "validation-failed",
                       "Invalid request",
                       "The request has invalid fields: " + names + ".",
                       std::move(errors),
                       {}};
}

std::optional<std::string> normalise_phone(std::string_view text,
                                           const tenancy::TenantSettings& settings) {
  auto number = phone::PhoneNumber::parse(text, phone::Region{settings.default_region});
  if (!number) return std::nullopt;
  return number->e164();
}

Expected<std::string, http::Problem> parse_list_body(std::string_view body) {
  auto o = parse_object(body);
  if (!o) return unexpected(o.error());
  Errors errors;
  reject_unknown(*o, {"name"}, "", errors);
  auto name = string_field(*o, "name", "", errors);
  std::string trimmed;
  if (!name) {
    if (errors.empty()) errors.push_back({"name", "is required", {}});
  } else {
    trimmed = std::string(contacts::trim(*name));
    if (auto why = contacts::check_list_name(trimmed)) errors.push_back({"name", *why, {}});
  }
  if (!errors.empty()) return unexpected(validation_problem(std::move(errors)));
  return trimmed;
}

Expected<contacts::ContactInput, http::Problem> parse_contact_body(
    std::string_view body, const tenancy::TenantSettings& settings, SystemTime now) {
  auto o = parse_object(body);
  if (!o) return unexpected(o.error());
  Errors errors;
  reject_unknown(*o, {"phone", "first_name", "last_name", "fields", "lists", "consent"}, "",
                 errors);
  contacts::ContactInput in;
  if (auto phone = string_field(*o, "phone", "", errors)) {
    auto number = phone::PhoneNumber::parse(*phone, phone::Region{settings.default_region});
    if (!number) {
      errors.push_back({"phone", number.error().message(), {}});
    } else {
      in.phone = number->e164();
    }
  } else if (!o->contains("phone")) {
    errors.push_back({"phone", "is required", {}});
  }
  in.first_name = read_name(*o, "first_name", errors);
  in.last_name = read_name(*o, "last_name", errors);
  in.fields = read_fields(*o, errors).value_or(contacts::CustomFields{});
  in.lists = read_lists(*o, errors).value_or(std::vector<std::uint64_t>{});
  in.consent = read_consent(*o, now, errors);
  if (!errors.empty()) return unexpected(validation_problem(std::move(errors)));
  return in;
}

Expected<contacts::ContactPatch, http::Problem> parse_contact_patch(std::string_view body,
                                                                    SystemTime now) {
  auto o = parse_object(body);
  if (!o) return unexpected(o.error());
  Errors errors;
  reject_unknown(*o, {"phone", "first_name", "last_name", "fields", "lists", "consent"}, "",
                 errors);
  if (o->contains("phone")) {
    errors.push_back(
        {"phone", "cannot change: it identifies the person; create a new contact", {}});
  }
  contacts::ContactPatch p;
  if (o->contains("first_name")) p.first_name = read_name(*o, "first_name", errors);
  if (o->contains("last_name")) p.last_name = read_name(*o, "last_name", errors);
  if (o->contains("fields")) p.fields = read_fields(*o, errors).value_or(contacts::CustomFields{});
  if (o->contains("lists")) p.lists = read_lists(*o, errors).value_or(std::vector<std::uint64_t>{});
  const auto* consent = o->if_contains("consent");
  if (consent && consent->is_object() && consent->get_object().size() == 1 &&
      consent->get_object().contains("withdrawn_at")) {
    p.withdraw_consent = time_field(consent->get_object(), "withdrawn_at", "consent.", errors);
    if (p.withdraw_consent && *p.withdraw_consent > now) {
      errors.push_back({"consent.withdrawn_at", "lies in the future", {}});
    }
  } else {
    p.consent = read_consent(*o, now, errors);
  }
  if (!errors.empty()) return unexpected(validation_problem(std::move(errors)));
  return p;
}

Expected<std::pair<std::string, std::string>, http::Problem> parse_suppression_body(
    std::string_view body, const tenancy::TenantSettings& settings) {
  auto o = parse_object(body);
  if (!o) return unexpected(o.error());
  Errors errors;
  reject_unknown(*o, {"phone", "reason"}, "", errors);
  std::string e164;
  if (auto phone = string_field(*o, "phone", "", errors)) {
    auto number = normalise_phone(*phone, settings);
    if (!number) {
      errors.push_back({"phone", "is not a valid phone number", {}});
    } else {
      e164 = *number;
    }
  } else if (!o->contains("phone")) {
    errors.push_back({"phone", "is required", {}});
  }
  const std::string given = string_field(*o, "reason", "", errors).value_or("");
  std::string reason(contacts::trim(given));
  if (auto why = contacts::check_reason(reason)) errors.push_back({"reason", *why, {}});
  if (!errors.empty()) return unexpected(validation_problem(std::move(errors)));
  return std::pair{std::move(e164), std::move(reason)};
}

Expected<NewUser, http::Problem> parse_user_body(std::string_view body) {
  auto o = parse_object(body);
  if (!o) return unexpected(o.error());
  Errors errors;
  reject_unknown(*o, {"email", "role", "password"}, "", errors);
  NewUser u;
  if (auto email = string_field(*o, "email", "", errors)) {
    u.email = contacts::canonical_email(*email);
    if (auto why = contacts::check_email(u.email)) errors.push_back({"email", *why, {}});
  } else if (!o->contains("email")) {
    errors.push_back({"email", "is required", {}});
  }
  if (auto role = read_role(*o, errors)) u.role = *role;
  u.password = string_field(*o, "password", "", errors);
  if (u.password) {
    if (auto why = contacts::check_password(*u.password)) errors.push_back({"password", *why, {}});
  }
  if (!errors.empty()) return unexpected(validation_problem(std::move(errors)));
  return u;
}

Expected<tenancy::Role, http::Problem> parse_role_body(std::string_view body) {
  auto o = parse_object(body);
  if (!o) return unexpected(o.error());
  Errors errors;
  reject_unknown(*o, {"role"}, "", errors);
  auto role = read_role(*o, errors);
  if (!errors.empty()) return unexpected(validation_problem(std::move(errors)));
  return *role;
}

Expected<DoubleOptInRequest, http::Problem> parse_double_opt_in_body(
    std::string_view body, const tenancy::TenantSettings& settings) {
  auto o = parse_object(body);
  if (!o) return unexpected(o.error());
  Errors errors;
  reject_unknown(*o, {"phone", "text", "from"}, "", errors);
  DoubleOptInRequest r;
  if (auto phone = string_field(*o, "phone", "", errors)) {
    auto number = normalise_phone(*phone, settings);
    if (!number) {
      errors.push_back({"phone", "is not a valid phone number", {}});
    } else {
      r.phone = *number;
    }
  } else if (!o->contains("phone")) {
    errors.push_back({"phone", "is required", {}});
  }
  r.text = string_field(*o, "text", "", errors);
  if (r.text && contacts::trim(*r.text).empty())
    errors.push_back({"text", "must not be empty", {}});
  r.from = string_field(*o, "from", "", errors);
  if (!errors.empty()) return unexpected(validation_problem(std::move(errors)));
  return r;
}

json::object list_to_json(const contacts::ListView& l) {
  return {{"id", l.id},
          {"name", l.name},
          {"members", l.members},
          {"created_at", format_rfc3339(l.created_at)}};
}

json::object consent_to_json(const contacts::Consent& c) {
  json::object o;
  o["purpose"] = c.purpose;
  o["source"] = contacts::consent_source_name(c.source);
  o["wording"] = c.wording;
  o["obtained_at"] = time_or_null(c.obtained_at);
  o["double_opt_in_requested_at"] = time_or_null(c.double_opt_in_requested_at);
  o["confirmed_at"] = time_or_null(c.double_opt_in_confirmed_at);
  o["withdrawn_at"] = time_or_null(c.withdrawn_at);
  o["state"] = contacts::consent_state_name(contacts::marketing_consent(c));
  return o;
}

json::object contact_to_json(const contacts::ContactView& c) {
  json::object fields;
  for (const auto& [key, value] : c.fields) fields[key] = value;
  json::array lists;
  for (auto id : c.lists) lists.emplace_back(id);
  json::object o;
  o["id"] = c.id;
  o["phone"] = c.phone;
  o["first_name"] = c.first_name;
  o["last_name"] = c.last_name;
  o["fields"] = std::move(fields);
  o["lists"] = std::move(lists);
  o["consent"] = c.consent ? json::value(consent_to_json(*c.consent)) : json::value(nullptr);
  o["marketing_allowed"] = contacts::allows_marketing(c.consent);
  o["created_at"] = format_rfc3339(c.created_at);
  o["updated_at"] = format_rfc3339(c.updated_at);
  return o;
}

json::object suppression_to_json(const contacts::SuppressionView& s) {
  json::object o;
  o["phone"] = s.phone.empty() ? json::value(nullptr) : json::value(s.phone);
  o["reason"] = s.reason;
  o["source"] = s.source;
  o["created_at"] = format_rfc3339(s.created_at);
  o["erased"] = s.phone.empty();
  return o;
}

json::object user_to_json(const contacts::UserView& u) {
  return {{"id", u.id},
          {"email", u.email},
          {"role", tenancy::role_name(u.role)},
          {"created_at", format_rfc3339(u.created_at)},
          {"disabled_at", time_or_null(u.disabled_at)}};
}

std::string import_to_json(const contacts::ImportReport& report,
                           const contacts::ImportSummary& summary) {
  json::array errors;
  errors.reserve(report.errors.size());
  for (const auto& e : report.errors) {
    errors.emplace_back(
        json::object{{"line", e.line},
                     {"field", e.field.empty() ? json::value(nullptr) : json::value(e.field)},
                     {"reason", e.reason}});
  }
  json::object o;
  o["imported"] = summary.created + summary.updated;
  o["created"] = summary.created;
  o["updated"] = summary.updated;
  o["rejected"] = report.rejected;
  o["lists_created"] = summary.lists_created;
  o["errors"] = std::move(errors);
  return json::serialize(o);
}

std::string render_page(json::array data, std::optional<std::uint64_t> next_cursor) {
  json::object o;
  o["data"] = std::move(data);
  o["next_cursor"] = next_cursor ? json::value(std::to_string(*next_cursor)) : json::value(nullptr);
  return json::serialize(o);
}

Expected<PageQuery, http::Problem> parse_page_query(const http::Request& request) {
  PageQuery q;
  Errors errors;
  const auto number = [&](std::string_view name, std::uint64_t min, std::uint64_t max,
                          std::uint64_t& out) {
    if (!request.has_query_param(name)) return;
    const std::string text = request.query_param(name);
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || p != text.data() + text.size() || v < min || v > max) {
      errors.push_back(
          {std::string(name),
           name == "cursor" ? "is not a cursor this API returned" : "must be an integer 1..500",
           {}});
      return;
    }
    out = v;
  };
  std::uint64_t limit = q.limit;
  number("limit", 1, 500, limit);
  q.limit = static_cast<std::size_t>(limit);
  number("cursor", 0, UINT64_MAX, q.cursor);
  if (!errors.empty()) {
    return unexpected(http::Problem{400,
                                    "invalid-query",
                                    "Invalid query parameters",
                                    "These query parameters are invalid.",
                                    std::move(errors),
                                    {}});
  }
  return q;
}

}  // namespace diskret::api
