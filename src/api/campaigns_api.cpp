// /v1/campaigns: adapt HTTP to the CampaignStore and the lifecycle; the JSON rules are in
// campaign_json.cpp, the sending in campaigns/runner.cpp.
#include "api/campaigns_api.hpp"

#include <boost/json.hpp>

#include "api/campaign_json.hpp"
#include "api/contact_json.hpp"
#include "api/contacts_api.hpp"
#include "api/contacts_send_policy.hpp"
#include "api/send_request.hpp"
#include "campaigns/template.hpp"
#include "http/problem.hpp"
#include "phone/phone_number.hpp"
#include "pipeline/message.hpp"

namespace diskret::api {

using contacts::Permission;

CampaignsApi::CampaignsApi(CampaignsApiServices services, const Clock& clock,
                           std::chrono::seconds settings_ttl)
    : s_(services), clock_(clock), auth_(s_.tenants, clock, settings_ttl),
      worker_(std::make_unique<Worker>("campaigns-api")) {}

CampaignsApi::~CampaignsApi() {
  stopping_ = true;  // a running estimate stops at its next page
  estimate_worker_.reset();
}

void CampaignsApi::set_estimator(campaigns::Planner& planner, campaigns::PriceFn price,
                                 std::chrono::seconds max_age) {
  estimator_ = std::make_unique<campaigns::CampaignEstimator>(s_.campaigns, s_.contacts, planner,
                                                              std::move(price));
  estimate_max_age_ = max_age;
  estimate_worker_ = std::make_unique<Worker>("estimates");
}

boost::json::object CampaignsApi::estimate_json(const store::CampaignRecord& campaign) {
  const auto now = clock_.now();
  const bool started = campaign.status != "draft" && campaign.status != "scheduled";
  EstimateEntry entry;
  bool compute = false;
  {
    std::lock_guard lock(estimates_mutex_);
    auto it = estimates_.find(campaign.id);
    if (it == estimates_.end() ||
        (!started && it->second.state != EstimateEntry::State::computing &&
         now - it->second.computed_at > estimate_max_age_)) {
      compute = true;
      EstimateEntry& e = estimates_[campaign.id];
      e.state = EstimateEntry::State::computing;
      if (it == estimates_.end()) e.computed_at = now;
    }
    entry = estimates_[campaign.id];
  }
  if (compute) {
    estimate_worker_->post([this, campaign] {
      auto result = estimator_->compute(campaign, [this] { return !stopping_.load(); });
      std::lock_guard lock(estimates_mutex_);
      auto& e = estimates_[campaign.id];
      e.computed_at = clock_.now();
      if (result) {
        e.state = EstimateEntry::State::ready;
        e.estimate = *result;
      } else {
        e.state = EstimateEntry::State::failed;
      }
    });
  }
  namespace json = boost::json;
  // A recomputation in progress keeps showing the previous figures.
  const bool have = entry.state == EstimateEntry::State::ready ||
                    (entry.state == EstimateEntry::State::computing && entry.estimate.recipients > 0);
  json::object o{{"status", entry.state == EstimateEntry::State::ready       ? "ready"
                            : entry.state == EstimateEntry::State::computing ? "computing"
                                                                             : "failed"}};
  if (have) {
    const auto& e = entry.estimate;
    o["recipients"] = e.recipients;
    o["rejected"] = e.rejected;
    o["segments"] = e.segments;
    o["cost_cents"] = e.cost_cents;
    o["currency"] = "EUR";
    o["encodings"] = json::object{{"gsm7", e.gsm7}, {"ucs2", e.ucs2}};
  }
  return o;
}

void CampaignsApi::route(http::Router& router, std::string_view method, std::string_view pattern,
                         Permission permission, Work work) {
  router.add(method, pattern,
             [this, permission, work = std::move(work)](http::Request&& request,
                                                       http::Respond respond) {
               auto caller = auth_.authenticate(request);
               if (!caller) return respond(caller.error().to_response());
               if (!contacts::allows(caller->principal.role, permission)) {
                 return respond(http::problem(
                     403, "forbidden", "Forbidden",
                     std::string("An API key with role ") +
                         contacts::role_label(caller->principal.role) +
                         " may not do this (needs " + contacts::permission_name(permission) +
                         ")."));
               }
               worker_->post([request = std::move(request), respond = std::move(respond),
                              caller = std::move(*caller), work]() mutable {
                 work(request, respond, caller);
               });
             });
}

void CampaignsApi::add_routes(http::Router& router) {
  const auto bind = [this](auto member) -> Work {
    return [this, member](const http::Request& r, const http::Respond& respond, const Caller& c) {
      (this->*member)(r, respond, c);
    };
  };
  const auto action = [this](campaigns::Action a) -> Work {
    return [this, a](const http::Request& r, const http::Respond& respond, const Caller& c) {
      act(a, r, respond, c);
    };
  };
  route(router, "POST", "/v1/campaigns", Permission::send_messages, bind(&CampaignsApi::create));
  route(router, "GET", "/v1/campaigns", Permission::read, bind(&CampaignsApi::list));
  route(router, "GET", "/v1/campaigns/{id}", Permission::read, bind(&CampaignsApi::get));
  route(router, "GET", "/v1/campaigns/{id}/preview", Permission::read,
        bind(&CampaignsApi::preview));
  route(router, "GET", "/v1/campaigns/{id}/report", Permission::read,
        bind(&CampaignsApi::report));
  for (auto a : {campaigns::Action::start, campaigns::Action::pause, campaigns::Action::resume,
                 campaigns::Action::cancel}) {
    route(router, "POST", std::string("/v1/campaigns/{id}/") + campaigns::action_name(a),
          Permission::send_messages, action(a));
  }
}

http::Response CampaignsApi::show(const store::CampaignRecord& campaign, int status) {
  auto counts = s_.campaigns.counts(campaign.id);
  if (!counts) return store_problem(counts.error(), "The campaign").to_response();
  if (!estimator_) return json_response(status, render_campaign(campaign, *counts));
  auto o = boost::json::parse(render_campaign(campaign, *counts)).as_object();
  o["estimate"] = estimate_json(campaign);
  return json_response(status, boost::json::serialize(o));
}

void CampaignsApi::create(const http::Request& r, const http::Respond& respond, const Caller& c) {
  auto campaign = parse_campaign_body(r.body, c.settings, clock_.now());
  if (!campaign) return respond(campaign.error().to_response());
  const auto tenant = c.principal.tenant.value;
  campaign->tenant_id = tenant;
  std::vector<http::FieldError> errors;
  for (auto [field, ids] : {std::pair{"lists", &campaign->lists},
                            std::pair{"exclude_lists", &campaign->exclude_lists}}) {
    for (auto id : *ids) {
      auto list = s_.contacts.list(tenant, id);
      if (!list) return respond(store_problem(list.error(), "The lists").to_response());
      if (!*list) errors.push_back({field, "there is no list " + std::to_string(id), {}});
    }
  }
  if (!errors.empty()) return respond(validation_problem(std::move(errors)).to_response());
  auto id = s_.campaigns.insert(*campaign);
  if (!id) return respond(store_problem(id.error(), "The campaign").to_response());
  campaign->id = *id;
  respond(show(*campaign, 201));
}

void CampaignsApi::list(const http::Request& r, const http::Respond& respond, const Caller& c) {
  auto query = parse_page_query(r);
  if (!query) return respond(query.error().to_response());
  auto rows = s_.campaigns.list(c.principal.tenant.value, query->cursor, query->limit);
  if (!rows) return respond(store_problem(rows.error(), "The campaigns").to_response());
  boost::json::array data;
  for (const auto& campaign : *rows) {
    auto counts = s_.campaigns.counts(campaign.id);
    if (!counts) return respond(store_problem(counts.error(), "The campaigns").to_response());
    data.emplace_back(boost::json::parse(render_campaign(campaign, *counts)));
  }
  std::optional<std::uint64_t> next;
  if (rows->size() == query->limit && !rows->empty()) next = rows->back().id;
  respond(json_response(200, render_page(std::move(data), next)));
}

void CampaignsApi::get(const http::Request& r, const http::Respond& respond, const Caller& c) {
  auto id = id_param(r, "id");
  if (!id) return respond(not_found("campaign"));
  auto campaign = s_.campaigns.get(c.principal.tenant.value, *id);
  if (!campaign) return respond(store_problem(campaign.error(), "The campaign").to_response());
  if (!*campaign) return respond(not_found("campaign"));
  respond(show(**campaign, 200));
}

void CampaignsApi::preview(const http::Request& r, const http::Respond& respond,
                           const Caller& c) {
  auto id = id_param(r, "id");
  if (!id) return respond(not_found("campaign"));
  const auto tenant = c.principal.tenant.value;
  auto campaign = s_.campaigns.get(tenant, *id);
  if (!campaign) return respond(store_problem(campaign.error(), "The campaign").to_response());
  if (!*campaign) return respond(not_found("campaign"));
  auto contact_id = parse_id(r.query_param("contact"));
  if (!contact_id) {
    return respond(http::Problem{400,
                                 "invalid-query",
                                 "Invalid query parameters",
                                 "contact must name a contact id.",
                                 {{"contact", "must be a contact id", {}}},
                                 {}}
                       .to_response());
  }
  auto contact = s_.contacts.get(tenant, *contact_id);
  if (!contact) return respond(store_problem(contact.error(), "The contact").to_response());
  if (!*contact) return respond(not_found("contact"));
  auto tmpl = campaigns::Template::parse((*campaign)->template_text);
  if (!tmpl || !s_.planner) {
    return respond(unavailable_problem("Previews are not available.", std::chrono::seconds{1})
                       .to_response());
  }
  const auto& person = **contact;
  auto message = s_.planner->plan(
      tenant, person.phone,
      tmpl->render({person.first_name, person.last_name, person.fields}), (*campaign)->sender,
      static_cast<pipeline::Category>((*campaign)->category));
  if (!message) return respond(store_problem(message.error(), "The preview").to_response());
  boost::json::object o{{"campaign_id", *id},
                        {"contact_id", *contact_id},
                        {"to", message->to},
                        {"text", message->text},
                        {"segments", message->segments},
                        {"encoding", message->encoding},
                        {"status", message->rejected ? "rejected" : "would_send"}};
  if (message->rejected) {
    o["error"] = {{"code", message->rejected->code}, {"detail", message->rejected->detail}};
  }
  respond(json_response(200, boost::json::serialize(o)));
}

void CampaignsApi::report(const http::Request& r, const http::Respond& respond, const Caller& c) {
  auto id = id_param(r, "id");
  if (!id) return respond(not_found("campaign"));
  const auto tenant = c.principal.tenant.value;
  auto campaign = s_.campaigns.get(tenant, *id);
  if (!campaign) return respond(store_problem(campaign.error(), "The campaign").to_response());
  if (!*campaign) return respond(not_found("campaign"));
  auto rows = s_.campaigns.report(*id);
  if (!rows) return respond(store_problem(rows.error(), "The report").to_response());
  // Whoever may not export personal data (viewers) sees numbers masked.
  const bool full_numbers = contacts::allows(c.principal.role, Permission::export_data);
  std::string csv = "contact_id,number,status,reason,message_id\r\n";
  for (const auto& row : *rows) {
    std::string number;
    auto contact = s_.contacts.get(tenant, row.contact_id);
    if (!contact && contact.error().code == make_error_code(Errc::unavailable)) {
      return respond(store_problem(contact.error(), "The report").to_response());
    }
    if (contact && *contact) {
      number = full_numbers ? (*contact)->phone : phone::PhoneNumber::mask_e164((*contact)->phone);
    }
    std::string status = "pending";
    if (row.state == store::CampaignRecipientState::rejected) status = "rejected";
    if (row.state == store::CampaignRecipientState::sent) {
      status = row.message_status
                   ? pipeline::status_name(static_cast<pipeline::MessageStatus>(*row.message_status))
                   : "sent";
    }
    csv += std::to_string(row.contact_id) + ',' + number + ',' + status + ',' + row.reason + ',' +
           (row.message_id ? pipeline::format_message_id(pipeline::MessageId{*row.message_id})
                           : std::string()) +
           "\r\n";
  }
  http::Response out{200, "text/csv; charset=utf-8", {}, std::move(csv)};
  out.headers.emplace_back("Content-Disposition", "attachment; filename=\"campaign-" +
                                                      std::to_string(*id) + "-report.csv\"");
  respond(std::move(out));
}

void CampaignsApi::act(campaigns::Action action, const http::Request& r,
                       const http::Respond& respond, const Caller& c) {
  auto id = id_param(r, "id");
  if (!id) return respond(not_found("campaign"));
  const auto tenant = c.principal.tenant.value;
  auto campaign = s_.campaigns.get(tenant, *id);
  if (!campaign) return respond(store_problem(campaign.error(), "The campaign").to_response());
  if (!*campaign) return respond(not_found("campaign"));
  const auto now_ms = clock_.now_ms();
  const auto from = campaigns::parse_status((*campaign)->status);
  const bool due = !(*campaign)->send_at_ms || *(*campaign)->send_at_ms <= now_ms;
  const auto to = from ? campaigns::next_status(*from, action, due) : std::nullopt;
  const auto refuse = [&](const std::string& status) {
    respond(http::problem(409, "invalid-transition", "Invalid transition",
                          std::string("A campaign in status ") + status + " cannot " +
                              campaigns::action_name(action) + "."));
  };
  if (!to) return refuse((*campaign)->status);
  auto moved = s_.campaigns.transition(tenant, *id, (*campaign)->status, campaigns::status_name(*to),
                                       now_ms, action == campaigns::Action::start);
  if (!moved) return respond(store_problem(moved.error(), "The campaign").to_response());
  if (!*moved) {
    // Changed meanwhile (by another request or the runner completing it).
    auto again = s_.campaigns.get(tenant, *id);
    return refuse(again && *again ? (*again)->status : std::string("changed"));
  }
  if (s_.runner) s_.runner->wake();
  auto updated = s_.campaigns.get(tenant, *id);
  if (!updated || !*updated) return respond(store_problem(Error{make_error_code(Errc::internal)}, "The campaign").to_response());
  respond(show(**updated, 200));
}

Expected<pipeline::NewMessage> CampaignPlanner::plan(std::uint64_t tenant, const std::string& phone,
                                                     std::string text, const std::string& sender,
                                                     pipeline::Category category) {
  auto record = tenants_.get_tenant(pipeline::TenantId{tenant});
  if (!record) return unexpected(record.error());
  Caller caller{tenancy::Principal{record->id, record->public_id, tenancy::Role::sender, 0},
                record->settings};
  pipeline::NewMessage refused;
  refused.to = phone;
  refused.from = sender;
  refused.text = text;
  refused.category = category;
  const auto refuse = [&](std::string code, std::string detail) {
    refused.rejected = pipeline::MessageError{std::move(code), std::move(detail)};
    return refused;
  };
  SendRequest request;
  request.to = {phone};
  request.category = category;
  auto from = sms::SenderId::parse(sender);
  if (!from) return refuse("invalid_sender", from.error().message());
  if (!sender_allowed(caller.settings, *from)) {
    return refuse("sender_not_allowed", "The sender id is no longer one of the account's.");
  }
  request.from = *from;
  auto info = sms::analyse(text);
  if (!info) return refuse("invalid_text", info.error().message());
  request.text = std::move(text);
  request.text_info = *info;
  if (policy_) {
    if (auto ok = policy_->prepare(caller, request); !ok) {
      if (ok.error().status >= 500) return unexpected(Error{make_error_code(Errc::unavailable), ok.error().detail});
      return refuse("invalid_text", ok.error().detail);
    }
  }
  if (request.text_info.segments > caller.settings.max_segments) {
    return refuse("too_long", "The personalised text is longer than the tenant's segment limit.");
  }
  auto messages = plan_messages(request, caller.settings);
  if (messages.size() != 1) return refuse("internal", "The message could not be planned.");
  if (policy_) {
    if (auto ok = policy_->screen(caller, messages); !ok) {
      return unexpected(Error{make_error_code(Errc::unavailable), ok.error().detail});
    }
  }
  return std::move(messages.front());
}

}  // namespace diskret::api
