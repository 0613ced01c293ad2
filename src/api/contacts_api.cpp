#include "api/contacts_api.hpp"

#include <charconv>

#include "http/problem.hpp"

namespace diskret::api {

using contacts::Permission;

std::string actor_of(const Caller& caller) {
  // Portal sessions act as their user, API keys as the key.
  if (caller.principal.user_id != 0) return "user:" + std::to_string(caller.principal.user_id);
  return "api_key:" + std::to_string(caller.principal.api_key_id);
}

std::optional<std::uint64_t> id_param(const http::Request& request, std::string_view name) {
  return parse_id(request.param(name));
}

std::optional<std::uint64_t> parse_id(std::string_view text) {
  std::uint64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || p != text.data() + text.size() || id == 0) return std::nullopt;
  return id;
}

http::Response json_response(int status, std::string body) {
  return http::Response{status, "application/json", {}, std::move(body)};
}

http::Response not_found(std::string_view what) {
  return http::problem(404, "not-found", "Not found",
                       "There is no " + std::string(what) + " with this id.");
}

ContactsApi::ContactsApi(ContactsApiServices services, const Clock& clock,
                         std::chrono::seconds settings_ttl)
    : s_(std::move(services)),
      clock_(clock),
      auth_(s_.tenants, clock, settings_ttl),
      import_worker_(std::make_unique<Worker>("imports")),
      worker_(std::make_unique<Worker>("contacts-api")) {}

ContactsApi::~ContactsApi() = default;

void ContactsApi::guarded(http::Request&& request, http::Respond respond, Permission permission,
                          Worker& worker, Work work) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!contacts::allows(caller->principal.role, permission)) {
    return respond(http::problem(
        403, "forbidden", "Forbidden",
        std::string("An API key with role ") + contacts::role_label(caller->principal.role) +
            " may not do this (needs " + contacts::permission_name(permission) + ")."));
  }
  worker.post([request = std::move(request), respond = std::move(respond),
               caller = std::move(*caller),
               work = std::move(work)]() mutable { work(request, respond, caller); });
}

void ContactsApi::route(http::Router& router, std::string_view method, std::string_view pattern,
                        Permission permission, Work work, bool import_worker) {
  Worker& worker = import_worker ? *import_worker_ : *worker_;
  router.add(method, pattern,
             [this, permission, &worker, work = std::move(work)](http::Request&& r,
                                                                 http::Respond respond) {
               guarded(std::move(r), std::move(respond), permission, worker, work);
             });
}

void ContactsApi::add_routes(http::Router& router) {
  const auto bind = [this](auto member) -> Work {
    return [this, member](const http::Request& r, const http::Respond& respond, const Caller& c) {
      (this->*member)(r, respond, c);
    };
  };
  route(router, "POST", "/v1/lists", Permission::write_contacts, bind(&ContactsApi::create_list));
  route(router, "GET", "/v1/lists", Permission::read, bind(&ContactsApi::get_lists));
  route(router, "GET", "/v1/lists/{id}", Permission::read, bind(&ContactsApi::get_list));
  route(router, "DELETE", "/v1/lists/{id}", Permission::write_contacts,
        bind(&ContactsApi::delete_list));

  route(router, "POST", "/v1/contacts", Permission::write_contacts,
        bind(&ContactsApi::create_contact));
  route(router, "GET", "/v1/contacts", Permission::read, bind(&ContactsApi::get_contacts));
  route(router, "POST", "/v1/contacts/import", Permission::write_contacts,
        bind(&ContactsApi::import_contacts), true);
  // Sends an SMS: needs send_messages; the handler checks write_contacts as well.
  route(router, "POST", "/v1/contacts/double-opt-in", Permission::send_messages,
        bind(&ContactsApi::double_opt_in));
  route(router, "GET", "/v1/contacts/{id}", Permission::read, bind(&ContactsApi::get_contact));
  route(router, "PATCH", "/v1/contacts/{id}", Permission::write_contacts,
        bind(&ContactsApi::patch_contact));
  route(router, "DELETE", "/v1/contacts/{id}", Permission::write_contacts,
        bind(&ContactsApi::delete_contact));
  route(router, "GET", "/v1/contacts/{id}/consents", Permission::read,
        bind(&ContactsApi::get_consents));

  route(router, "GET", "/v1/suppressions", Permission::read, bind(&ContactsApi::get_suppressions));
  route(router, "POST", "/v1/suppressions", Permission::add_suppression,
        bind(&ContactsApi::add_suppression));
  route(router, "GET", "/v1/suppressions/{phone}", Permission::read,
        bind(&ContactsApi::get_suppression));
  route(router, "DELETE", "/v1/suppressions/{phone}", Permission::remove_suppression,
        bind(&ContactsApi::remove_suppression));

  route(router, "GET", "/v1/users", Permission::manage_users, bind(&ContactsApi::get_users));
  route(router, "POST", "/v1/users", Permission::manage_users, bind(&ContactsApi::create_user));
  route(router, "GET", "/v1/users/{id}", Permission::manage_users, bind(&ContactsApi::get_user));
  route(router, "PATCH", "/v1/users/{id}", Permission::manage_users,
        bind(&ContactsApi::patch_user));
  route(router, "DELETE", "/v1/users/{id}", Permission::manage_users,
        bind(&ContactsApi::delete_user));
}

}  // namespace diskret::api
