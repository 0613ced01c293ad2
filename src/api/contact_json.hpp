#pragma once
/// JSON of /v1/contacts, /v1/lists, /v1/contacts/import, /v1/suppressions and /v1/users as
/// pure functions: request bodies -> validated inputs (or a 400/422 problem naming every
/// bad field), views -> JSON. Times are RFC 3339 UTC, ids are integers.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contacts/contact_service.hpp"
#include "contacts/csv_import.hpp"
#include "contacts/suppression_service.hpp"
#include "contacts/user_service.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "http/problem.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::api {

/// {name}: a list name (trimmed, 1..100 characters).
Expected<std::string, http::Problem> parse_list_body(std::string_view body);
/// POST /v1/contacts: {phone, first_name, last_name, fields, lists, consent}; the number
/// in any common notation (default region from the tenant), consent as
/// {purpose, source, wording, obtained_at[, confirmed_at]} (purpose defaults to
/// "marketing", source to "api").
Expected<contacts::ContactInput, http::Problem> parse_contact_body(
    std::string_view body, const tenancy::TenantSettings& settings, SystemTime now);
/// PATCH: the same without phone (the number identifies the person); `consent` appends to
/// the history, {"consent": {"withdrawn_at": ...}} alone withdraws.
Expected<contacts::ContactPatch, http::Problem> parse_contact_patch(std::string_view body,
                                                                    SystemTime now);
/// {phone[, reason]} of POST /v1/suppressions: (E.164, reason).
Expected<std::pair<std::string, std::string>, http::Problem> parse_suppression_body(
    std::string_view body, const tenancy::TenantSettings& settings);
struct NewUser {
  std::string email;
  tenancy::Role role = tenancy::Role::viewer;
  std::optional<std::string> password;
};
/// {email, role[, password]}.
Expected<NewUser, http::Problem> parse_user_body(std::string_view body);
/// {role} of PATCH /v1/users/{id}.
Expected<tenancy::Role, http::Problem> parse_role_body(std::string_view body);
/// {phone[, text][, from]} of POST /v1/contacts/double-opt-in.
struct DoubleOptInRequest {
  std::string phone;  ///< E.164
  std::optional<std::string> text;
  std::optional<std::string> from;
};
Expected<DoubleOptInRequest, http::Problem> parse_double_opt_in_body(
    std::string_view body, const tenancy::TenantSettings& settings);

/// A number from a path or query ("+49 151 ..." percent-decoded) -> E.164, or nullopt.
std::optional<std::string> normalise_phone(std::string_view text,
                                           const tenancy::TenantSettings& settings);

boost::json::object list_to_json(const contacts::ListView& l);
boost::json::object contact_to_json(const contacts::ContactView& c);
boost::json::object consent_to_json(const contacts::Consent& c);
boost::json::object suppression_to_json(const contacts::SuppressionView& s);
boost::json::object user_to_json(const contacts::UserView& u);
/// {imported, created, updated, rejected, lists_created, errors: [{line, field, reason}]}.
std::string import_to_json(const contacts::ImportReport& report,
                           const contacts::ImportSummary& summary);

/// {"data": [...], "next_cursor": "..." | null}.
std::string render_page(boost::json::array data, std::optional<std::uint64_t> next_cursor);

/// Page query: limit 1..500 (default 50) and cursor (a decimal id this API returned).
struct PageQuery {
  std::size_t limit = 50;
  std::uint64_t cursor = 0;
};
Expected<PageQuery, http::Problem> parse_page_query(const http::Request& request);

/// A 422 problem listing `errors`.
http::Problem validation_problem(std::vector<http::FieldError> errors);

}  // namespace diskret::api
