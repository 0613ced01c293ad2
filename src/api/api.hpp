#pragma once
/// The /v1 REST API and the operational endpoints (/healthz, /readyz, /metrics): handlers
/// that adapt HTTP+JSON to the pipeline and tenancy services. Business rules live in the
/// pure functions of send_request.hpp and message_json.hpp.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/authenticator.hpp"
#include "api/send_policy.hpp"
#include "api/worker.hpp"
#include "core/clock.hpp"
#include "http/message.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "pipeline/pipeline.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::api {

struct ApiOptions {
  std::size_t max_recipients = 10'000;
  std::chrono::seconds settings_ttl{30};  ///< how long tenant settings are cached
  std::chrono::seconds retry_after{1};    ///< Retry-After of 503 answers
  /// Send requests with a larger body are validated on a background thread instead of the
  /// HTTP I/O thread; 0 keeps everything on the I/O thread.
  std::size_t offload_body_bytes = 16 * 1024;
};

/// One carrier bind as /metrics shows it (diskret_carrier_bound{carrier,bind}).
struct LinkGauge {
  std::string carrier;
  unsigned bind = 0;
  bool bound = false;
  std::size_t in_flight = 0;
};
using LinkSource = std::function<std::vector<LinkGauge>()>;

class Api {
 public:
  /// The services must outlive the Api; `links` may be empty (no carrier gauges).
  Api(pipeline::Pipeline& pipeline, tenancy::TenantService& tenants, const Clock& clock,
      ApiOptions options = {}, LinkSource links = {});

  /// POST/GET /v1/messages, GET /v1/messages/{id}, /healthz, /readyz, /metrics,
  /// GET /v1/openapi.json.
  void add_routes(http::Router& router);

  /// Pass to Router::handler() so /metrics shows request counts and latencies.
  http::HttpMetrics& http_metrics() { return http_metrics_; }
  /// More Prometheus text for /metrics (the privacy operations'); set before serving.
  void set_metrics_extension(std::function<std::string()> extra) { metrics_extension_ = std::move(extra); }

  /// Consent, opt-out and suppression rules for POST /v1/messages (must outlive the Api);
  /// set before serving.
  void set_send_policy(SendPolicy* policy) { send_policy_ = policy; }

 private:
  void send_messages(http::Request&& request, http::Respond respond);
  /// After authentication: idempotency, validation, planning, accept.
  void send_authorised(const http::Request& request, const http::Respond& respond,
                       const Caller& caller, std::optional<std::string> key);
  void get_message(http::Request&& request, http::Respond respond);
  void list_messages(http::Request&& request, http::Respond respond);
  void ready(http::Request&& request, http::Respond respond);
  void metrics(http::Request&& request, http::Respond respond);

  pipeline::Pipeline& pipeline_;
  const Clock& clock_;
  ApiOptions options_;
  LinkSource links_;
  Authenticator auth_;
  http::HttpMetrics http_metrics_;
  std::function<std::string()> metrics_extension_;
  SendPolicy* send_policy_ = nullptr;
  std::unique_ptr<Worker> worker_;  // last: joined first, while the rest still exists
};

/// Prometheus text of the pipeline counters and carrier gauges (pure; used by /metrics).
std::string render_pipeline_metrics(const pipeline::Stats& stats, const std::vector<LinkGauge>& links);

}  // namespace diskret::api
