// POST /v1/messages, GET /v1/messages and GET /v1/messages/{id}: adapt HTTP to the
// pipeline; every rule is in send_request.cpp / message_json.cpp.
#include <algorithm>

#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/message_json.hpp"
#include "contacts/permissions.hpp"
#include "phone/phone_number.hpp"
#include "api/send_request.hpp"
#include "http/problem.hpp"

namespace diskret::api {
namespace {

http::Response accepted(std::string body, bool replayed) {
  http::Response r{202, "application/json", {}, std::move(body)};
  if (replayed) r.headers.emplace_back("Idempotent-Replayed", "true");
  return r;
}

http::Response key_reused() {
  return http::problem(422, "idempotency-key-reused", "Idempotency key reused",
                       "This Idempotency-Key was used with a different request body; use a new "
                       "key for a new request.");
}

// Every recipient that could be sent was refused for credit (SPEC: 402 problem+json). The
// messages are stored as rejected all the same, like any other refused recipient.
http::Response insufficient_credit(std::size_t recipients) {
  return http::problem(402, "insufficient-credit", "Insufficient credit",
                       "The prepaid balance cannot pay for any of the " + std::to_string(recipients) +
                           " recipient(s); top up with POST /v1/topups. Nothing will be sent.",
                       {{"to", "insufficient_credit", {}}});
}

// The stored answer of a request whose every payable recipient was refused for credit:
// how many; 0 otherwise. A replay answers as the original did (402, not 202).
std::size_t unpaid_in(std::string_view stored) {
  boost::system::error_code ec;
  auto body = boost::json::parse(stored, ec);
  if (ec || !body.is_object()) return 0;
  const auto* messages = body.as_object().if_contains("messages");
  if (!messages || !messages->is_array()) return 0;
  std::size_t payable = 0, unpaid = 0;
  for (const auto& m : messages->as_array()) {
    const auto* o = m.if_object();
    if (!o) return 0;
    const auto* status = o->if_contains("status");
    const bool rejected = status && status->is_string() && status->as_string() == "rejected";
    const auto* error = o->if_contains("error");
    const auto* code = error && error->is_object() ? error->as_object().if_contains("code") : nullptr;
    const bool for_credit = code && code->is_string() && code->as_string() == "insufficient_credit";
    if (!rejected || for_credit) ++payable;
    if (for_credit) ++unpaid;
  }
  return unpaid > 0 && unpaid == payable ? unpaid : 0;
}

http::Response not_found() {
  return http::problem(404, "not-found", "Not found", "There is no message with this id.");
}

}  // namespace

void Api::send_messages(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!can_send(caller->principal.role)) {
    return respond(http::problem(403, "forbidden", "Forbidden", "This API key may only read."));
  }
  std::optional<std::string> key;
  if (auto header = request.header("Idempotency-Key"); !header.empty()) {
    if (!valid_idempotency_key(header)) {
      return respond(http::problem(400, "invalid-idempotency-key", "Invalid Idempotency-Key",
                                   "Idempotency-Key must be 1..255 visible ASCII characters.",
                                   {{"Idempotency-Key", "must be 1..255 visible ASCII characters", {}}}));
    }
    key = std::string(header);
  }
  if (worker_ && request.body.size() > options_.offload_body_bytes) {
    worker_->post([this, request = std::move(request), respond = std::move(respond),
                   caller = std::move(*caller), key = std::move(key)]() mutable {
      send_authorised(request, respond, caller, std::move(key));
    });
    return;
  }
  send_authorised(request, respond, *caller, std::move(key));
}

void Api::send_authorised(const http::Request& request, const http::Respond& respond,
                          const Caller& caller, std::optional<std::string> key) {
  const auto tenant = caller.principal.tenant;
  std::string print = key ? fingerprint(request.body) : std::string{};
  if (key) {
    // A stored answer is returned before any validation: a retry must get the same answer
    // even if the rules changed in between.
    auto stored = pipeline_.find_idempotent(tenant, *key);
    if (!stored) {
      return respond(unavailable_problem("Messages cannot be stored right now.", options_.retry_after)
                         .to_response());
    }
    if (*stored) {
      if ((*stored)->first != print) return respond(key_reused());
      if (const auto unpaid = unpaid_in((*stored)->second); unpaid > 0) {
        auto refused = insufficient_credit(unpaid);
        refused.headers.emplace_back("Idempotent-Replayed", "true");
        return respond(std::move(refused));
      }
      return respond(accepted((*stored)->second, true));
    }
  }

  auto parsed = parse_send_request(request.body, caller.settings,
                                   SendLimits{options_.max_recipients}, clock_.now());
  if (!parsed) return respond(parsed.error().to_response());
  if (send_policy_) {
    if (auto ok = send_policy_->prepare(caller, *parsed); !ok) {
      return respond(ok.error().to_response());
    }
  }

  pipeline::AcceptRequest accept;
  accept.tenant = tenant;
  accept.request_id = request.request_id;
  accept.messages = plan_messages(*parsed, caller.settings);
  if (send_policy_) {
    if (auto ok = send_policy_->screen(caller, accept.messages); !ok) {
      return respond(ok.error().to_response());
    }
  }
  auto ids = pipeline_.preassign(accept.messages.size());
  accept.response = render_send_response(accept.messages, ids);
  // Prepaid credit is checked inside the commit: recipients it cannot pay come back
  // rejected (insufficient_credit) and the response is rendered again there.
  accept.render = [ids](const std::vector<pipeline::NewMessage>& messages) {
    return render_send_response(messages, ids);
  };
  const auto payable = static_cast<std::size_t>(
      std::count_if(accept.messages.begin(), accept.messages.end(),
                    [](const pipeline::NewMessage& m) { return !m.rejected; }));
  accept.idempotency_key = std::move(key);
  accept.fingerprint = std::move(print);
  std::string body = accept.response;
  // The 202 goes out only from the done callback, i.e. after the commit is durable.
  pipeline_.accept(std::move(accept), ids,
                   [respond, body = std::move(body), payable, retry = options_.retry_after](
                       Expected<pipeline::AcceptResult> result) mutable {
                     if (!result) {
                       if (result.error().code == Errc::already_exists) return respond(key_reused());
                       return respond(unavailable_problem("Messages cannot be stored right now; "
                                                          "nothing was accepted.",
                                                          retry)
                                          .to_response());
                     }
                     if (result->replayed) {
                       if (const auto unpaid = unpaid_in(*result->replayed); unpaid > 0) {
                         auto refused = insufficient_credit(unpaid);
                         refused.headers.emplace_back("Idempotent-Replayed", "true");
                         return respond(std::move(refused));
                       }
                       return respond(accepted(std::move(*result->replayed), true));
                     }
                     if (result->unpaid > 0 && result->unpaid == payable) {
                       return respond(insufficient_credit(result->unpaid));
                     }
                     respond(accepted(result->response ? std::move(*result->response) : std::move(body),
                                      false));
                   });
}

namespace {
// Whoever may not export personal data (viewers) reads numbers masked, as in campaign reports.
bool full_numbers(const Caller& caller) {
  return contacts::allows(caller.principal.role, contacts::Permission::export_data);
}
}  // namespace

void Api::get_message(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  auto id = pipeline::parse_message_id(request.param("id"));
  if (!id) return respond(not_found());
  // Another tenant's id reads as not found: its existence is not revealed.
  auto message = pipeline_.get(caller->principal.tenant, *id);
  if (!message) {
    if (message.error().code == Errc::not_found) return respond(not_found());
    return respond(unavailable_problem("Messages cannot be read right now.", options_.retry_after)
                       .to_response());
  }
  if (!full_numbers(*caller)) message->to = phone::PhoneNumber::mask_e164(message->to);
  respond(http::Response{200, "application/json", {}, boost::json::serialize(message_to_json(*message))});
}

void Api::list_messages(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  auto filter = parse_list_query(request);
  if (!filter) return respond(filter.error().to_response());
  auto page = pipeline_.list(caller->principal.tenant, *filter);
  if (!page) {
    return respond(unavailable_problem("Messages cannot be read right now.", options_.retry_after)
                       .to_response());
  }
  if (!full_numbers(*caller)) {
    for (auto& m : *page) m.to = phone::PhoneNumber::mask_e164(m.to);
  }
  respond(http::Response{200, "application/json", {}, render_list(*page, *filter)});
}

}  // namespace diskret::api
