// /v1/lists and /v1/contacts: adapt HTTP to contacts::ContactService; the JSON rules are in
// contact_json.cpp, the business rules in contacts/.
#include <boost/json.hpp>

#include "api/contact_json.hpp"
#include "api/contacts_api.hpp"
#include "api/send_request.hpp"
#include "contacts/csv_import.hpp"
#include "contacts/errc.hpp"

namespace diskret::api {
namespace {

namespace json = boost::json;

http::Response conflict(std::string detail) {
  return http::problem(409, "conflict", "Conflict", std::move(detail));
}

// A list id the tenant does not have, named in a contact body.
http::Response unknown_list(const Error& e) {
  return validation_problem({{"lists", e.detail, {}}}).to_response();
}

bool csv_content_type(std::string_view type) {
  const std::string_view media = type.substr(0, type.find(';'));
  for (std::string_view ok :
       {"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"}) {
    if (media.size() == ok.size() &&
        std::equal(media.begin(), media.end(), ok.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      return true;
    }
  }
  return false;
}

}  // namespace

void ContactsApi::create_list(const http::Request& r, const http::Respond& respond,
                              const Caller& c) {
  auto name = parse_list_body(r.body);
  if (!name) return respond(name.error().to_response());
  auto list = s_.contacts.create_list(c.principal.tenant.value, *name);
  if (!list) {
    if (list.error().code == Errc::already_exists)
      return respond(conflict("A list with this name exists."));
    return respond(store_problem(list.error(), "The list").to_response());
  }
  respond(json_response(201, json::serialize(list_to_json(*list))));
}

void ContactsApi::get_lists(const http::Request&, const http::Respond& respond, const Caller& c) {
  auto lists = s_.contacts.lists(c.principal.tenant.value);
  if (!lists) return respond(store_problem(lists.error(), "The lists").to_response());
  json::array data;
  for (const auto& l : *lists) data.emplace_back(list_to_json(l));
  respond(json_response(200, render_page(std::move(data), std::nullopt)));
}

void ContactsApi::get_list(const http::Request& r, const http::Respond& respond, const Caller& c) {
  auto id = id_param(r, "id");
  if (!id) return respond(not_found("list"));
  auto list = s_.contacts.list(c.principal.tenant.value, *id);
  if (!list) return respond(store_problem(list.error(), "The list").to_response());
  if (!*list) return respond(not_found("list"));
  respond(json_response(200, json::serialize(list_to_json(**list))));
}

void ContactsApi::delete_list(const http::Request& r, const http::Respond& respond,
                              const Caller& c) {
  auto id = id_param(r, "id");
  if (!id) return respond(not_found("list"));
  auto deleted = s_.contacts.delete_list(c.principal.tenant.value, *id);
  if (!deleted) return respond(store_problem(deleted.error(), "The list").to_response());
  if (!*deleted) return respond(not_found("list"));
  respond(http::Response{204, "application/json", {}, {}});
}

void ContactsApi::create_contact(const http::Request& r, const http::Respond& respond,
                                 const Caller& c) {
  auto input = parse_contact_body(r.body, c.settings, clock_.now());
  if (!input) return respond(input.error().to_response());
  auto contact = s_.contacts.create(c.principal.tenant.value, *input, actor_of(c));
  if (!contact) {
    const auto& e = contact.error();
    if (e.code == Errc::already_exists) return respond(conflict(e.detail));
    if (e.code == Errc::not_found) return respond(unknown_list(e));
    return respond(store_problem(e, "The contact").to_response());
  }
  respond(json_response(201, json::serialize(contact_to_json(*contact))));
}

void ContactsApi::get_contacts(const http::Request& r, const http::Respond& respond,
                               const Caller& c) {
  const auto tenant = c.principal.tenant.value;
  if (r.has_query_param("phone")) {
    // Found by the blind index of the number: no decryption of other contacts.
    auto phone = normalise_phone(r.query_param("phone"), c.settings);
    if (!phone) {
      return respond(http::Problem{
          400,
          "invalid-query",
          "Invalid query parameters",
          "phone is not a valid phone number.",
          {{"phone", "is not a valid phone number", {}}},
          {}}.to_response());
    }
    auto found = s_.contacts.find_by_phone(tenant, *phone);
    if (!found) return respond(store_problem(found.error(), "The contacts").to_response());
    json::array data;
    if (*found) data.emplace_back(contact_to_json(**found));
    return respond(json_response(200, render_page(std::move(data), std::nullopt)));
  }
  auto query = parse_page_query(r);
  if (!query) return respond(query.error().to_response());
  std::optional<std::uint64_t> list_id;
  if (r.has_query_param("list")) {
    list_id = parse_id(r.query_param("list"));
    if (!list_id) {
      return respond(http::Problem{
          400,
          "invalid-query",
          "Invalid query parameters",
          "list is not a list id.",
          {{"list", "is not a list id", {}}},
          {}}.to_response());
    }
  }
  auto page = s_.contacts.page(tenant, list_id, query->cursor, query->limit);
  if (!page) return respond(store_problem(page.error(), "The contacts").to_response());
  json::array data;
  data.reserve(page->contacts.size());
  for (const auto& contact : page->contacts) data.emplace_back(contact_to_json(contact));
  respond(json_response(200, render_page(std::move(data), page->next_after)));
}

void ContactsApi::get_contact(const http::Request& r, const http::Respond& respond,
                              const Caller& c) {
  auto id = id_param(r, "id");
  if (!id) return respond(not_found("contact"));
  auto contact = s_.contacts.get(c.principal.tenant.value, *id);
  if (!contact) return respond(store_problem(contact.error(), "The contact").to_response());
  if (!*contact) return respond(not_found("contact"));
  respond(json_response(200, json::serialize(contact_to_json(**contact))));
}

void ContactsApi::patch_contact(const http::Request& r, const http::Respond& respond,
                                const Caller& c) {
  auto id = id_param(r, "id");
  if (!id) return respond(not_found("contact"));
  auto patch = parse_contact_patch(r.body, clock_.now());
  if (!patch) return respond(patch.error().to_response());
  auto contact = s_.contacts.update(c.principal.tenant.value, *id, *patch, actor_of(c));
  if (!contact) {
    if (contact.error().code == Errc::not_found) return respond(unknown_list(contact.error()));
    return respond(store_problem(contact.error(), "The contact").to_response());
  }
  if (!*contact) return respond(not_found("contact"));
  respond(json_response(200, json::serialize(contact_to_json(**contact))));
}

void ContactsApi::delete_contact(const http::Request& r, const http::Respond& respond,
                                 const Caller& c) {
  auto id = id_param(r, "id");
  if (!id) return respond(not_found("contact"));
  auto deleted = s_.contacts.remove(c.principal.tenant.value, *id);
  if (!deleted) return respond(store_problem(deleted.error(), "The contact").to_response());
  if (!*deleted) return respond(not_found("contact"));
  respond(http::Response{204, "application/json", {}, {}});
}

void ContactsApi::get_consents(const http::Request& r, const http::Respond& respond,
                               const Caller& c) {
  auto id = id_param(r, "id");
  if (!id) return respond(not_found("contact"));
  const auto tenant = c.principal.tenant.value;
  auto contact = s_.contacts.get(tenant, *id);
  if (!contact) return respond(store_problem(contact.error(), "The contact").to_response());
  if (!*contact) return respond(not_found("contact"));
  auto history = s_.contacts.consent_history(tenant, *id);
  if (!history) return respond(store_problem(history.error(), "The consents").to_response());
  json::array data;
  for (const auto& consent : *history) data.emplace_back(consent_to_json(consent));
  respond(json_response(200, render_page(std::move(data), std::nullopt)));
}

void ContactsApi::import_contacts(const http::Request& r, const http::Respond& respond,
                                  const Caller& c) {
  if (!csv_content_type(r.header("Content-Type"))) {
    return respond(http::problem(415, "unsupported-media-type", "Unsupported media type",
                                 "Send the CSV file as the body with Content-Type: text/csv."));
  }
  std::optional<std::uint64_t> list_id;
  if (r.has_query_param("list")) {
    list_id = parse_id(r.query_param("list"));
    if (!list_id) {
      return respond(http::Problem{
          400,
          "invalid-query",
          "Invalid query parameters",
          "list is not a list id.",
          {{"list", "is not a list id", {}}},
          {}}.to_response());
    }
  }
  contacts::ImportOptions options;
  options.region = phone::Region{c.settings.default_region};
  options.now = clock_.now();
  auto report = contacts::decode_contacts_csv(r.body, options);
  if (!report) {
    return respond(http::Problem{
        422,
        "invalid-csv",
        "CSV cannot be imported",
        report.error().message() + "; nothing was imported.",
        {{"body", report.error().message(), {}}},
        {}}.to_response());
  }
  auto summary = s_.contacts.import(c.principal.tenant.value, *report, list_id, "import");
  if (!summary) {
    if (summary.error().code == Errc::not_found) {
      return respond(http::Problem{
          422,
          "validation-failed",
          "Invalid request",
          "There is no list with this id.",
          {{"list", "there is no list with this id", {}}},
          {}}.to_response());
    }
    return respond(store_problem(summary.error(),
                                 "The import (contacts are merged by number, "
                                 "so sending the file again is safe)")
                       .to_response());
  }
  respond(json_response(200, import_to_json(*report, *summary)));
}

}  // namespace diskret::api
