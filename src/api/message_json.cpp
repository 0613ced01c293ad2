#include "api/message_json.hpp"

#include <charconv>

#include <boost/json.hpp>

#include "api/rfc3339.hpp"

namespace diskret::api {
namespace {

namespace json = boost::json;

json::value time_or_null(const std::optional<SystemTime>& t) {
  if (!t) return nullptr;
  return json::value(format_rfc3339(*t));
}

}  // namespace

json::object message_to_json(const pipeline::MessageView& m) {
  json::object o;
  o["id"] = pipeline::format_message_id(m.id);
  o["to"] = m.to;
  o["from"] = m.from;
  o["status"] = pipeline::status_name(m.status);
  o["category"] = pipeline::category_name(m.category);
  o["segments"] = m.segments;
  o["encoding"] = m.encoding;
  o["client_ref"] = m.client_ref.empty() ? json::value(nullptr) : json::value(m.client_ref);
  o["created_at"] = format_rfc3339(m.created_at);
  o["submitted_at"] = time_or_null(m.submitted_at);
  o["done_at"] = time_or_null(m.done_at);
  if (m.error) {
    o["error"] = json::object{{"code", m.error->code}, {"detail", m.error->detail}};
  } else {
    o["error"] = nullptr;
  }
  return o;
}

Expected<pipeline::MessageFilter, http::Problem> parse_list_query(const http::Request& request) {
  pipeline::MessageFilter filter;
  std::vector<http::FieldError> errors;
  if (request.has_query_param("status")) {
    filter.status = pipeline::parse_status(request.query_param("status"));
    if (!filter.status) {
      errors.push_back({"status",
                        "must be one of accepted, submitted, delivered, failed, expired, rejected", {}});
    }
  }
  for (const char* name : {"since", "until"}) {
    if (!request.has_query_param(name)) continue;
    auto t = parse_rfc3339(request.query_param(name));
    if (!t) errors.push_back({name, "must be an RFC 3339 timestamp like 2030-01-02T09:00:00Z", {}});
    (std::string_view(name) == "since" ? filter.since : filter.until) = t;
  }
  if (filter.since && filter.until && *filter.since > *filter.until) {
    errors.push_back({"until", "must not be before since", {}});
  }
  if (request.has_query_param("campaign")) {
    auto campaign = request.query_param("campaign");
    if (campaign.empty()) errors.push_back({"campaign", "must not be empty", {}});
    filter.campaign = std::move(campaign);
  }
  std::size_t limit = kDefaultPageSize;
  if (request.has_query_param("limit")) {
    auto text = request.query_param("limit");
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (ec != std::errc{} || p != text.data() + text.size() || limit < 1 || limit > kMaxPageSize) {
      errors.push_back({"limit", "must be an integer 1..500", {}});
    }
  }
  filter.limit = limit + 1;
  if (request.has_query_param("cursor")) {
    filter.after = pipeline::parse_message_id(request.query_param("cursor"));
    if (!filter.after) errors.push_back({"cursor", "is not a cursor this API returned", {}});
  }
  if (!errors.empty()) {
    std::string names;
    for (const auto& e : errors) names += (names.empty() ? "" : ", ") + e.field;
    return unexpected(http::Problem{400, "invalid-query", "Invalid query parameters",
                                    "These query parameters are invalid: " + names + ".",
                                    std::move(errors), {}});
  }
  return filter;
}

std::string render_list(std::vector<pipeline::MessageView>& page,
                        const pipeline::MessageFilter& filter) {
  const std::size_t asked = filter.limit - 1;
  bool more = page.size() > asked;
  if (more) page.resize(asked);
  json::array data;
  data.reserve(page.size());
  for (const auto& m : page) data.emplace_back(message_to_json(m));
  json::object o;
  o["data"] = std::move(data);
  // The cursor is the id of the last message shown; documented as opaque so that its
  // form may change.
  o["next_cursor"] = more && !page.empty() ? json::value(pipeline::format_message_id(page.back().id))
                                           : json::value(nullptr);
  return json::serialize(o);
}

}  // namespace diskret::api
