#include "api/preview_api.hpp"

#include <boost/json.hpp>

#include "api/content_send_policy.hpp"
#include "api/send_request.hpp"
#include "phone/phone_number.hpp"
#include "sms/smart_encoding.hpp"

namespace diskret::api {
namespace {

namespace json = boost::json;

json::array findings_json(const dlp::Verdict& v) {
  json::array out;
  for (const auto& f : v.findings) {
    json::object o{{"kind", dlp::kind_name(f.kind)}, {"offset", f.offset}, {"length", f.length}};
    if (f.kind == dlp::Kind::custom) o["pattern"] = f.pattern;
    out.push_back(std::move(o));
  }
  return out;
}

json::array replacements_json(const std::vector<sms::Replacement>& rs) {
  json::array out;
  for (const auto& r : rs) {
    out.push_back(json::object{{"from", sms::code_point_name(r.from)}, {"to", r.to}, {"count", r.count}});
  }
  return out;
}

// The line the opt-out rule appended: what follows the text it was given.
std::string added_suffix(const std::string& before, const std::string& after) {
  if (after.size() > before.size() && after.compare(0, before.size(), before) == 0) {
    const auto start = after.find_first_not_of(" \n", before.size());
    return start == std::string::npos ? std::string{} : after.substr(start);
  }
  return {};
}

}  // namespace

PreviewApi::PreviewApi(PreviewServices services, const Clock& clock,
                       std::chrono::seconds settings_ttl)
    : s_(std::move(services)), clock_(clock), auth_(s_.tenants, clock, settings_ttl) {}

void PreviewApi::add_routes(http::Router& router) {
  router.add("POST", "/v1/messages/preview", [this](http::Request&& r, http::Respond respond) {
    preview(std::move(r), std::move(respond));
  });
}

void PreviewApi::preview(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!can_send(caller->principal.role)) {
    return respond(http::problem(403, "forbidden", "Forbidden", "This API key may only read."));
  }
  auto parsed = parse_send_request(request.body, caller->settings,
                                   SendLimits{s_.max_recipients}, clock_.now());
  if (!parsed) return respond(parsed.error().to_response());
  const auto tenant = caller->principal.tenant.value;
  auto settings = s_.content.settings(tenant);
  if (!settings) {
    return respond(unavailable_problem("The account's content rules cannot be read right now.",
                                       std::chrono::seconds{1})
                       .to_response());
  }
  // Exactly the send path's steps, recorded nowhere (Record::no, Persist::no): short links,
  // smart encoding and DLP, then the opt-out line, then the per-recipient checks.
  json::array rewritten;
  if (s_.links && s_.links->enabled() && settings->short_links &&
      parsed->category == pipeline::Category::marketing) {
    auto shortened = s_.links->shorten(tenant, parsed->text, links::Persist::no);
    if (shortened && !shortened->rewritten.empty()) {
      for (const auto& [from, to] : shortened->rewritten) {
        rewritten.push_back(json::object{{"url", from}, {"short", to}});
      }
      if (auto info = sms::analyse(shortened->text)) {
        parsed->text = std::move(shortened->text);
        parsed->text_info = *info;
      }
    }
  }
  auto prepared = s_.content.prepare_with(tenant, *settings, parsed->text, "preview",
                                          parsed->to.size(), dlp::ContentGuard::Record::no);
  if (prepared.text != parsed->text) {
    if (auto info = sms::analyse(prepared.text)) {
      parsed->text = prepared.text;
      parsed->text_info = *info;
    }
  }
  const std::string before_opt_out = parsed->text;
  if (s_.contacts) {
    if (auto ok = s_.contacts->prepare(*caller, *parsed); !ok) {
      return respond(ok.error().to_response());
    }
  }
  auto messages = plan_messages(*parsed, caller->settings);
  if (s_.contacts) {
    if (auto ok = s_.contacts->screen(*caller, messages); !ok) {
      return respond(ok.error().to_response());
    }
  }
  if (prepared.rejected()) reject_sensitive(messages, prepared.reason());

  const auto& info = parsed->text_info;
  json::array recipients;
  std::int64_t total = 0;
  std::size_t sendable = 0;
  for (const auto& m : messages) {
    json::object o{{"to", m.to}};
    if (m.rejected) {
      o["status"] = "rejected";
      o["error"] = json::object{{"code", m.rejected->code}, {"detail", m.rejected->detail}};
    } else {
      auto number = phone::PhoneNumber::parse(m.to, phone::Region{caller->settings.default_region});
      const std::string region = number ? std::string(number->region()) : std::string{};
      const auto price = s_.prices.price(region, static_cast<std::uint32_t>(info.segments));
      o["status"] = "would_send";
      o["country"] = region;
      o["price_cents"] = price;
      total += price;
      ++sendable;
    }
    recipients.push_back(std::move(o));
  }
  const std::string opt_out = added_suffix(before_opt_out, parsed->text);
  json::object body{
      {"text", prepared.rejected() ? json::value(nullptr) : json::value(parsed->text)},
      {"encoding", sms::encoding_name(info.encoding)},
      {"characters", info.characters},
      {"segments", info.segments},
      {"characters_left", info.units_left},
      {"price", json::object{{"currency", "EUR"},
                             {"total_cents", total},
                             {"recipients", sendable}}},
      {"opt_out", json::object{{"added", !opt_out.empty()},
                               {"text", opt_out.empty() ? json::value(nullptr) : json::value(opt_out)}}},
      {"dlp", json::object{{"policy", dlp::policy_name(settings->dlp.policy)},
                           {"action", dlp::action_name(prepared.verdict.action)},
                           {"findings", findings_json(prepared.verdict)}}},
      {"smart_encoding", json::object{{"enabled", settings->smart_encoding},
                                      {"replacements", replacements_json(prepared.replacements)}}},
      {"links", json::object{{"short_links", settings->short_links && s_.links && s_.links->enabled()},
                             {"rewritten", std::move(rewritten)}}},
      {"recipients", std::move(recipients)}};
  respond(http::Response{200, "application/json", {}, json::serialize(body)});
}

}  // namespace diskret::api
