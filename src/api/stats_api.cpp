#include "api/stats_api.hpp"

#include <boost/json.hpp>

#include "api/contacts_api.hpp"
#include "api/contacts_send_policy.hpp"
#include "api/rfc3339.hpp"
#include "contacts/permissions.hpp"
#include "http/problem.hpp"

namespace diskret::api {
namespace {

namespace json = boost::json;

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

std::int64_t ms_of(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

http::Response bad_query(std::string_view name, std::string_view reason) {
  return http::problem(400, "invalid-query", "Invalid query parameter",
                       "The query parameter " + std::string(name) + " " + std::string(reason) + ".",
                       {{std::string(name), std::string(reason), {}}});
}

}  // namespace

StatsApi::StatsApi(store::MessageStats& stats, tenancy::TenantService& tenants, const Clock& clock)
    : stats_(stats), clock_(clock), auth_(tenants, clock, std::chrono::seconds{30}),
      worker_(std::make_unique<Worker>("stats-api")) {}

StatsApi::~StatsApi() { worker_.reset(); }

void StatsApi::add_routes(http::Router& router) {
  router.add("GET", "/v1/stats/messages", [this](http::Request&& request, http::Respond respond) {
    worker_->post([this, request = std::move(request), respond = std::move(respond)]() mutable {
      get_message_stats(request, respond);
    });
  });
}

void StatsApi::get_message_stats(const http::Request& request, const http::Respond& respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!contacts::allows(caller->principal.role, contacts::Permission::read)) {
    return respond(http::problem(403, "forbidden", "Forbidden",
                                 "This API key may not read message statistics."));
  }
  const std::int64_t now = clock_.now_ms();
  std::int64_t until = now + 1;
  std::int64_t since = now - 14 * kDayMs;
  if (request.has_query_param("until")) {
    auto t = parse_rfc3339(request.query_param("until"));
    if (!t) return respond(bad_query("until", "must be an RFC 3339 time"));
    until = ms_of(*t);
  }
  if (request.has_query_param("since")) {
    auto t = parse_rfc3339(request.query_param("since"));
    if (!t) return respond(bad_query("since", "must be an RFC 3339 time"));
    since = ms_of(*t);
  }
  const std::string bucket = request.has_query_param("bucket") ? request.query_param("bucket") : "day";
  if (bucket != "day" && bucket != "hour") return respond(bad_query("bucket", "must be day or hour"));
  const std::int64_t bucket_ms = bucket == "day" ? kDayMs : kHourMs;
  if (since < 0 || until <= since) return respond(bad_query("since", "must be before until"));
  if ((until - since) / bucket_ms > (bucket == "day" ? 400 : 31 * 24)) {
    return respond(bad_query("since", bucket == "day" ? "must be at most 400 days before until"
                                                      : "must be at most 31 days before until"));
  }
  auto rows = stats_.buckets(caller->principal.tenant.value, since, until, bucket_ms);
  if (!rows) return respond(store_problem(rows.error(), "The statistics").to_response());
  json::array data;
  std::uint64_t sent = 0, delivered = 0, failed = 0, rejected = 0;
  for (const auto& b : *rows) {
    data.push_back(json::object{{"start", format_rfc3339(SystemTime{std::chrono::milliseconds{b.start_ms}})},
                                {"sent", b.sent},
                                {"delivered", b.delivered},
                                {"failed", b.failed},
                                {"rejected", b.rejected}});
    sent += b.sent;
    delivered += b.delivered;
    failed += b.failed;
    rejected += b.rejected;
  }
  json::value rate = nullptr;
  if (delivered + failed > 0) {
    rate = static_cast<double>(delivered) / static_cast<double>(delivered + failed);
  }
  respond(json_response(
      200, json::serialize(json::object{
               {"since", format_rfc3339(SystemTime{std::chrono::milliseconds{since}})},
               {"until", format_rfc3339(SystemTime{std::chrono::milliseconds{until}})},
               {"bucket", bucket},
               {"data", std::move(data)},
               {"totals", json::object{{"sent", sent},
                                       {"delivered", delivered},
                                       {"failed", failed},
                                       {"rejected", rejected}}},
               {"delivery_rate", std::move(rate)}})));
}

}  // namespace diskret::api
