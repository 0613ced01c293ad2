#include "api/campaign_json.hpp"

#include <boost/json.hpp>

#include "api/contact_json.hpp"
#include "api/contacts_api.hpp"
#include "api/rfc3339.hpp"
#include "campaigns/quiet_hours.hpp"
#include "campaigns/template.hpp"
#include "pipeline/message.hpp"
#include "sms/sender_id.hpp"
#include "sms/text.hpp"

namespace diskret::api {
namespace {

namespace json = boost::json;
using Errors = std::vector<http::FieldError>;

std::vector<std::uint64_t> read_ids(const json::object& o, std::string_view name, bool required,
                                    Errors& errors) {
  std::vector<std::uint64_t> out;
  const auto* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) {
    if (required) errors.push_back({std::string(name), "is required (an array of list ids)", {}});
    return out;
  }
  if (!v->is_array()) {
    errors.push_back({std::string(name), "must be an array of list ids", {}});
    return out;
  }
  const auto& a = v->get_array();
  if (required && a.empty()) errors.push_back({std::string(name), "must name at least one list", {}});
  if (a.size() > kMaxCampaignLists) {
    errors.push_back({std::string(name), "may name at most 100 lists", {}});
    return out;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::optional<std::uint64_t> id;
    if (a[i].is_int64() && a[i].get_int64() > 0) id = static_cast<std::uint64_t>(a[i].get_int64());
    if (a[i].is_uint64() && a[i].get_uint64() > 0) id = a[i].get_uint64();
    if (a[i].is_string()) id = parse_id(a[i].get_string());
    if (!id) {
      errors.push_back({std::string(name), "must contain positive list ids", i});
      continue;
    }
    if (std::find(out.begin(), out.end(), *id) == out.end()) out.push_back(*id);
  }
  return out;
}

const json::string* string_of(const json::object& o, std::string_view name, bool required,
                              Errors& errors) {
  const auto* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) {
    if (required) errors.push_back({std::string(name), "is required", {}});
    return nullptr;
  }
  if (!v->is_string()) {
    errors.push_back({std::string(name), "must be a string", {}});
    return nullptr;
  }
  return &v->get_string();
}

void read_template(const json::object& o, const tenancy::TenantSettings& settings,
                   store::CampaignRecord& out, Errors& errors) {
  const auto* text = string_of(o, "template", true, errors);
  if (text == nullptr) return;
  auto parsed = campaigns::Template::parse(*text);
  if (!parsed) {
    errors.push_back({"template", parsed.error().message(), {}});
    return;
  }
  // Rendered with defaults only: a text the tenant could never send is refused now.
  auto info = sms::analyse(parsed->render({}));
  if (!info) {
    errors.push_back({"template", info.error().message(), {}});
  } else if (info->segments > settings.max_segments) {
    errors.push_back({"template",
                      "needs " + std::to_string(info->segments) + " segments; the limit is " +
                          std::to_string(settings.max_segments),
                      {}});
  }
  out.template_text = std::string(*text);
}

void read_rate(const json::object& o, store::CampaignRecord& out, Errors& errors) {
  const auto* v = o.if_contains("rate_per_minute");
  out.rate_per_minute = kDefaultRatePerMinute;
  if (v == nullptr || v->is_null()) return;
  std::int64_t rate = 0;
  if (v->is_int64()) {
    rate = v->get_int64();
  } else if (v->is_uint64()) {
    rate = v->get_uint64() > kMaxRatePerMinute ? kMaxRatePerMinute + 1 : v->get_uint64();
  } else {
    errors.push_back({"rate_per_minute", "must be an integer 1..100000", {}});
    return;
  }
  if (rate < 1 || rate > kMaxRatePerMinute) {
    errors.push_back({"rate_per_minute", "must be an integer 1..100000", {}});
    return;
  }
  out.rate_per_minute = static_cast<std::uint32_t>(rate);
}

}  // namespace

bool sender_allowed(const tenancy::TenantSettings& settings, const sms::SenderId& sender) {
  return settings.sender_ids.empty() ||
         std::find(settings.sender_ids.begin(), settings.sender_ids.end(), sender.display()) !=
             settings.sender_ids.end();
}

Expected<store::CampaignRecord, http::Problem> parse_campaign_body(
    std::string_view body, const tenancy::TenantSettings& settings, SystemTime now) {
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
  const auto& o = v.get_object();
  Errors errors;
  static constexpr std::string_view kKnown[] = {"name",     "lists",    "exclude_lists",
                                                "from",     "template", "category",
                                                "send_at",  "rate_per_minute",
                                                "send_at_local"};
  for (const auto& [key, value] : o) {
    if (std::find(std::begin(kKnown), std::end(kKnown), std::string_view(key)) == std::end(kKnown)) {
      errors.push_back({std::string(key), "is not a known field", {}});
    }
  }
  store::CampaignRecord out;
  out.status = "draft";
  if (const auto* name = string_of(o, "name", true, errors)) {
    if (name->empty() || name->size() > 200) {
      errors.push_back({"name", "must be 1..200 characters", {}});
    } else {
      out.name = std::string(*name);
    }
  }
  out.lists = read_ids(o, "lists", true, errors);
  out.exclude_lists = read_ids(o, "exclude_lists", false, errors);
  if (const auto* from = string_of(o, "from", true, errors)) {
    if (auto sender = sms::SenderId::parse(*from); !sender) {
      errors.push_back({"from", sender.error().message(), {}});
    } else if (!sender_allowed(settings, *sender)) {
      std::string allowed;
      for (const auto& id : settings.sender_ids) allowed += (allowed.empty() ? "" : ", ") + id;
      errors.push_back({"from", "is not one of this account's sender ids (" + allowed + ")", {}});
    } else {
      out.sender = std::string(*from);
    }
  }
  read_template(o, settings, out, errors);
  out.category = static_cast<std::uint8_t>(pipeline::Category::marketing);
  if (const auto* category = string_of(o, "category", false, errors)) {
    if (auto c = pipeline::parse_category(*category)) {
      out.category = static_cast<std::uint8_t>(*c);
    } else {
      errors.push_back({"category", "must be \"marketing\" or \"transactional\"", {}});
    }
  }
  if (const auto* send_at = string_of(o, "send_at", false, errors)) {
    if (auto t = parse_rfc3339(*send_at)) {
      out.send_at_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count();
    } else {
      errors.push_back({"send_at", "must be an RFC 3339 timestamp like 2024-03-01T10:00:00Z", {}});
    }
  }
  if (const auto* local = string_of(o, "send_at_local", false, errors)) {
    // Each recipient at this civil time in their own zone; the campaign starts when the
    // first zone (UTC+14) reaches it.
    auto earliest = campaigns::earliest_local_time_ms(*local);
    if (!earliest) {
      errors.push_back({"send_at_local",
                        "must be a local time without offset like 2026-12-01T09:00", {}});
    } else if (out.send_at_ms) {
      errors.push_back({"send_at_local", "cannot be combined with send_at", {}});
    } else {
      out.send_at_local = std::string(*local);
      out.send_at_ms = *earliest;
    }
  }
  read_rate(o, out, errors);
  if (!errors.empty()) return unexpected(validation_problem(std::move(errors)));
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  out.created_at = now_ms;
  out.updated_at = now_ms;
  return out;
}

std::string render_campaign(const store::CampaignRecord& c, const store::CampaignCounts& counts) {
  const auto time = [](std::int64_t ms) {
    return json::value(format_rfc3339(SystemTime{std::chrono::milliseconds{ms}}));
  };
  json::array lists, excluded;
  for (auto id : c.lists) lists.emplace_back(id);
  for (auto id : c.exclude_lists) excluded.emplace_back(id);
  json::object reasons;
  for (const auto& [reason, n] : counts.rejected_by_reason) reasons[reason] = n;
  json::object o{
      {"id", c.id},
      {"name", c.name},
      {"lists", std::move(lists)},
      {"exclude_lists", std::move(excluded)},
      {"from", c.sender},
      {"template", c.template_text},
      {"category", pipeline::category_name(static_cast<pipeline::Category>(c.category))},
      {"send_at", c.send_at_ms && c.send_at_local.empty() ? time(*c.send_at_ms) : json::value(nullptr)},
      {"send_at_local", c.send_at_local.empty() ? json::value(nullptr) : json::value(c.send_at_local)},
      {"rate_per_minute", c.rate_per_minute},
      {"status", c.status},
      {"counts",
       {{"pending", counts.pending},
        {"sent", counts.sent},
        {"delivered", counts.delivered},
        {"failed", counts.failed},
        {"rejected", counts.rejected}}},
      {"rejected_reasons", std::move(reasons)},
      {"created_at", time(c.created_at)},
      {"updated_at", time(c.updated_at)}};
  return json::serialize(o);
}

}  // namespace diskret::api
