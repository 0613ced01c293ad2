// POST /v1/contacts/double-opt-in {phone[, text][, from]}: records a pending consent and
// sends the confirmation request as a transactional SMS from the tenant's number, so that
// the YES/JA reply reaches diskret (inbound keyword "confirm" -> ContactService hook).
#include <boost/json.hpp>

#include "api/contact_json.hpp"
#include "api/contacts_api.hpp"
#include "api/send_request.hpp"
#include "contacts/errc.hpp"
#include "sms/sender_id.hpp"

namespace diskret::api {
namespace {

namespace json = boost::json;

std::string default_request_text(const tenancy::TenantSettings& settings) {
  const std::string who =
      settings.display_name.empty() ? std::string("Wir") : settings.display_name;
  return who +
         ": Antworten Sie JA, um Angebote per SMS zu erhalten. Reply YES to receive offers "
         "by SMS.";
}

}  // namespace

void ContactsApi::double_opt_in(const http::Request& r, const http::Respond& respond,
                                const Caller& c) {
  if (!contacts::allows(c.principal.role, contacts::Permission::write_contacts)) {
    return respond(
        http::problem(403, "forbidden", "Forbidden", "This API key may not change contacts."));
  }
  auto body = parse_double_opt_in_body(r.body, c.settings);
  if (!body) return respond(body.error().to_response());
  const auto tenant = c.principal.tenant.value;

  std::string from;
  if (body->from) {
    from = *body->from;
  } else {
    auto number = s_.reply_number ? s_.reply_number(tenant)
                                  : Expected<std::optional<std::string>>{std::nullopt};
    if (!number) return respond(store_problem(number.error(), "The sender").to_response());
    if (!*number) {
      return respond(validation_problem({{"from",
                                          "is required: the account has no inbound number the "
                                          "reply could reach",
                                          {}}})
                         .to_response());
    }
    from = **number;
  }
  auto sender = sms::SenderId::parse(from);
  if (!sender)
    return respond(validation_problem({{"from", sender.error().message(), {}}}).to_response());
  const std::string text = body->text.value_or(default_request_text(c.settings));
  auto info = sms::analyse(text);
  if (!info || info->segments > c.settings.max_segments) {
    return respond(validation_problem({{"text", info ? "is too long" : info.error().message(), {}}})
                       .to_response());
  }

  pipeline::NewMessage m;
  m.to = body->phone;
  m.from = sender->display();
  m.text = text;
  m.category = pipeline::Category::transactional;
  m.segments = static_cast<std::uint16_t>(info->segments);
  m.encoding = sms::encoding_name(info->encoding);
  pipeline::AcceptRequest accept;
  accept.tenant = c.principal.tenant;
  accept.messages.push_back(std::move(m));
  if (send_policy_) {
    // It goes to any number the caller names: the pumping guard and the link check see it
    // like POST /v1/messages (a held request is stored rejected, held_for_review).
    if (auto ok = send_policy_->screen(c, accept.messages); !ok) {
      return respond(ok.error().to_response());
    }
  }

  auto contact = s_.contacts.start_double_opt_in(tenant, body->phone, text, actor_of(c));
  if (!contact) {
    const auto& e = contact.error();
    if (e.code == contacts::Errc::suppressed) {
      return respond(validation_problem({{"phone", "the number opted out (suppression list)", {}}})
                         .to_response());
    }
    if (e.code == Errc::already_exists) {
      return respond(
          http::problem(409, "conflict", "Conflict", "Marketing consent is granted already."));
    }
    return respond(store_problem(e, "The double opt-in").to_response());
  }

  auto ids = s_.pipeline.preassign(1);
  accept.response = render_send_response(accept.messages, ids);
  json::object out;
  out["contact"] = contact_to_json(*contact);
  out["message_id"] = pipeline::format_message_id(ids.at(0));
  std::string response = json::serialize(out);
  s_.pipeline.accept(
      std::move(accept), ids,
      [respond, response = std::move(response)](Expected<pipeline::AcceptResult> result) mutable {
        if (!result) {
          return respond(unavailable_problem("The confirmation request cannot be stored right now; "
                                             "the consent stays pending, start again later.",
                                             std::chrono::seconds{1})
                             .to_response());
        }
        respond(json_response(202, std::move(response)));
      });
}

}  // namespace diskret::api
