#pragma once
/// /v1/lists, /v1/contacts (with /import, /double-opt-in and /{id}/consents),
/// /v1/suppressions and /v1/users. Every handler authenticates the API key, checks its role
/// against contacts::Permission and scopes every read and write by the key's tenant (an id
/// of another tenant answers 404). Store work runs on background threads, never on the
/// HTTP I/O thread (imports on one of their own).
#include <chrono>
#include <functional>
#include <memory>
#include <string_view>

#include "api/authenticator.hpp"
#include "api/contacts_send_policy.hpp"
#include "api/worker.hpp"
#include "contacts/contact_service.hpp"
#include "contacts/permissions.hpp"
#include "contacts/suppression_service.hpp"
#include "contacts/user_service.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "api/send_policy.hpp"
#include "pipeline/pipeline.hpp"

namespace diskret::api {

struct ContactsApiServices {
  contacts::ContactService& contacts;
  contacts::SuppressionService& suppressions;
  contacts::UserService& users;
  pipeline::Pipeline& pipeline;     ///< sends double opt-in requests
  tenancy::TenantService& tenants;  ///< authenticates API keys
  ReplyNumberSource reply_number;   ///< the sender of double opt-in requests
};

class ContactsApi {
 public:
  ContactsApi(ContactsApiServices services, const Clock& clock,
              std::chrono::seconds settings_ttl = std::chrono::seconds{30});
  ~ContactsApi();

  void add_routes(http::Router& router);

  /// The pumping guard and link check (issue 11) for the double opt-in request SMS, which
  /// goes to any number the caller names; unset: not screened (unit tests).
  void set_send_policy(SendPolicy* policy) { send_policy_ = policy; }

 private:
  using Work = std::function<void(const http::Request&, const http::Respond&, const Caller&)>;
  /// Authenticates, checks `permission`, then runs `work` on `worker`.
  void guarded(http::Request&& request, http::Respond respond, contacts::Permission permission,
               Worker& worker, Work work);
  void route(http::Router& router, std::string_view method, std::string_view pattern,
             contacts::Permission permission, Work work, bool import_worker = false);

  // Lists and contacts (contacts_handlers.cpp).
  void create_list(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_lists(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_list(const http::Request& r, const http::Respond& respond, const Caller& c);
  void delete_list(const http::Request& r, const http::Respond& respond, const Caller& c);
  void create_contact(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_contacts(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_contact(const http::Request& r, const http::Respond& respond, const Caller& c);
  void patch_contact(const http::Request& r, const http::Respond& respond, const Caller& c);
  void delete_contact(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_consents(const http::Request& r, const http::Respond& respond, const Caller& c);
  void import_contacts(const http::Request& r, const http::Respond& respond, const Caller& c);
  void double_opt_in(const http::Request& r, const http::Respond& respond, const Caller& c);
  // Suppressions and users (people_handlers.cpp).
  void get_suppressions(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_suppression(const http::Request& r, const http::Respond& respond, const Caller& c);
  void add_suppression(const http::Request& r, const http::Respond& respond, const Caller& c);
  void remove_suppression(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_users(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_user(const http::Request& r, const http::Respond& respond, const Caller& c);
  void create_user(const http::Request& r, const http::Respond& respond, const Caller& c);
  void patch_user(const http::Request& r, const http::Respond& respond, const Caller& c);
  void delete_user(const http::Request& r, const http::Respond& respond, const Caller& c);

  ContactsApiServices s_;
  SendPolicy* send_policy_ = nullptr;
  const Clock& clock_;
  Authenticator auth_;
  // Last: joined first, while everything they use still exists.
  std::unique_ptr<Worker> import_worker_;
  std::unique_ptr<Worker> worker_;
};

/// Who did it, as recorded with consent changes: "api_key:<id>".
std::string actor_of(const Caller& caller);
/// A positive decimal id; a {param} of the route as one.
std::optional<std::uint64_t> parse_id(std::string_view text);
std::optional<std::uint64_t> id_param(const http::Request& request, std::string_view name);
http::Response json_response(int status, std::string body);
http::Response not_found(std::string_view what);

}  // namespace diskret::api
