// /v1/suppressions and /v1/users: adapt HTTP to contacts::SuppressionService and
// contacts::UserService.
#include <boost/json.hpp>

#include "api/contact_json.hpp"
#include "api/contacts_api.hpp"
#include "contacts/errc.hpp"

namespace diskret::api {
namespace {

namespace json = boost::json;

http::Response no_suppression() {
  return http::problem(404, "not-found", "Not found",
                       "This number is not on the suppression list.");
}

http::Response user_error(const Error& e) {
  if (e.code == contacts::Errc::permission_denied) {
    return http::problem(403, "forbidden", "Forbidden", e.detail);
  }
  if (e.code == contacts::Errc::last_owner)
    return http::problem(409, "conflict", "Conflict", e.detail);
  if (e.code == Errc::already_exists) {
    return http::problem(409, "conflict", "Conflict", "A user with this email exists.");
  }
  if (e.code == contacts::Errc::invalid_field) {
    return validation_problem({{e.detail.substr(0, e.detail.find(':')), e.detail, {}}})
        .to_response();
  }
  return store_problem(e, "The user").to_response();
}

}  // namespace

void ContactsApi::get_suppressions(const http::Request& r, const http::Respond& respond,
                                   const Caller& c) {
  auto query = parse_page_query(r);
  if (!query) return respond(query.error().to_response());
  auto page = s_.suppressions.page(c.principal.tenant.value, query->cursor, query->limit);
  if (!page) return respond(store_problem(page.error(), "The suppression list").to_response());
  json::array data;
  data.reserve(page->items.size());
  for (const auto& s : page->items) data.emplace_back(suppression_to_json(s));
  respond(json_response(200, render_page(std::move(data), page->next_before)));
}

void ContactsApi::get_suppression(const http::Request& r, const http::Respond& respond,
                                  const Caller& c) {
  auto phone = normalise_phone(r.param("phone"), c.settings);
  if (!phone) return respond(no_suppression());
  auto found = s_.suppressions.find(c.principal.tenant.value, *phone);
  if (!found) return respond(store_problem(found.error(), "The suppression list").to_response());
  if (!*found) return respond(no_suppression());
  respond(json_response(200, json::serialize(suppression_to_json(**found))));
}

void ContactsApi::add_suppression(const http::Request& r, const http::Respond& respond,
                                  const Caller& c) {
  auto body = parse_suppression_body(r.body, c.settings);
  if (!body) return respond(body.error().to_response());
  const auto tenant = c.principal.tenant.value;
  auto added = s_.suppressions.add(tenant, body->first, body->second, contacts::kSourceApi,
                                     actor_of(c));
  if (!added) return respond(store_problem(added.error(), "The suppression list").to_response());
  auto entry = s_.suppressions.find(tenant, body->first);
  if (!entry || !*entry) {
    return respond(store_problem(entry ? Error{make_error_code(Errc::internal)} : entry.error(),
                                 "The suppression list")
                       .to_response());
  }
  // 201 for a new entry, 200 when the number was suppressed already (the entry shown).
  respond(json_response(*added ? 201 : 200, json::serialize(suppression_to_json(**entry))));
}

void ContactsApi::remove_suppression(const http::Request& r, const http::Respond& respond,
                                     const Caller& c) {
  auto phone = normalise_phone(r.param("phone"), c.settings);
  if (!phone) return respond(no_suppression());
  auto removed = s_.suppressions.remove(c.principal.tenant.value, *phone, contacts::kSourceApi,
                                         std::nullopt, actor_of(c));
  if (!removed)
    return respond(store_problem(removed.error(), "The suppression list").to_response());
  if (!*removed) return respond(no_suppression());
  respond(http::Response{204, "application/json", {}, {}});
}

void ContactsApi::get_users(const http::Request&, const http::Respond& respond, const Caller& c) {
  auto users = s_.users.list(c.principal.tenant.value);
  if (!users) return respond(store_problem(users.error(), "The users").to_response());
  json::array data;
  for (const auto& u : *users) data.emplace_back(user_to_json(u));
  respond(json_response(200, render_page(std::move(data), std::nullopt)));
}

void ContactsApi::get_user(const http::Request& r, const http::Respond& respond, const Caller& c) {
  auto id = id_param(r, "id");
  if (!id) return respond(not_found("user"));
  auto user = s_.users.get(c.principal.tenant.value, *id);
  if (!user) return respond(store_problem(user.error(), "The user").to_response());
  if (!*user) return respond(not_found("user"));
  respond(json_response(200, json::serialize(user_to_json(**user))));
}

void ContactsApi::create_user(const http::Request& r, const http::Respond& respond,
                              const Caller& c) {
  auto body = parse_user_body(r.body);
  if (!body) return respond(body.error().to_response());
  auto created = s_.users.create(
      c.principal.tenant.value, body->email, body->role,
      body->password ? std::optional<std::string_view>(*body->password) : std::nullopt,
      c.principal.role, actor_of(c));
  if (!created) return respond(user_error(created.error()));
  auto o = user_to_json(created->user);
  // A generated password is shown this once; it is stored only as an Argon2id hash.
  if (!created->initial_password.empty()) o["password"] = created->initial_password;
  respond(json_response(201, json::serialize(o)));
}

void ContactsApi::patch_user(const http::Request& r, const http::Respond& respond,
                             const Caller& c) {
  auto id = id_param(r, "id");
  if (!id) return respond(not_found("user"));
  auto role = parse_role_body(r.body);
  if (!role) return respond(role.error().to_response());
  auto user = s_.users.change_role(c.principal.tenant.value, *id, *role, c.principal.role,
                                   actor_of(c));
  if (!user) return respond(user_error(user.error()));
  if (!*user) return respond(not_found("user"));
  respond(json_response(200, json::serialize(user_to_json(**user))));
}

void ContactsApi::delete_user(const http::Request& r, const http::Respond& respond,
                              const Caller& c) {
  auto id = id_param(r, "id");
  if (!id) return respond(not_found("user"));
  auto deleted = s_.users.remove(c.principal.tenant.value, *id, c.principal.role, actor_of(c));
  if (!deleted) return respond(user_error(deleted.error()));
  if (!*deleted) return respond(not_found("user"));
  respond(http::Response{204, "application/json", {}, {}});
}

}  // namespace diskret::api
