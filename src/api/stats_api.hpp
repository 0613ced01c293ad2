#pragma once
/// GET /v1/stats/messages (every role of the tenant): the dashboard's numbers computed in
/// the database: messages sent, delivered, failed and rejected per day or hour, totals and
/// the delivery rate (delivered / (delivered + failed); null before any outcome).
/// Query: since, until (RFC 3339; default the last 14 days), bucket "day" (default, at
/// most 400 days) or "hour" (at most 31 days); buckets count from `since`.
#include <memory>

#include "api/authenticator.hpp"
#include "api/worker.hpp"
#include "http/router.hpp"
#include "store/message_stats.hpp"

namespace diskret::api {

class StatsApi {
 public:
  StatsApi(store::MessageStats& stats, tenancy::TenantService& tenants, const Clock& clock);
  ~StatsApi();
  void add_routes(http::Router& router);
  void get_message_stats(const http::Request& request, const http::Respond& respond);

 private:
  store::MessageStats& stats_;
  const Clock& clock_;
  Authenticator auth_;
  std::unique_ptr<Worker> worker_;  // last: joined first
};

}  // namespace diskret::api
