#include "api/api.hpp"

#include <fmt/format.h>

#include "api/openapi.hpp"
#include "http/problem.hpp"

namespace diskret::api {

Api::Api(pipeline::Pipeline& pipeline, tenancy::TenantService& tenants, const Clock& clock,
         ApiOptions options, LinkSource links)
    : pipeline_(pipeline),
      clock_(clock),
      options_(options),
      links_(std::move(links)),
      auth_(tenants, clock, options.settings_ttl) {
  if (options_.offload_body_bytes != 0) worker_ = std::make_unique<Worker>("api-batches");
}

void Api::add_routes(http::Router& router) {
  router.add("POST", "/v1/messages", [this](http::Request&& r, http::Respond respond) {
    send_messages(std::move(r), std::move(respond));
  });
  router.add("GET", "/v1/messages", [this](http::Request&& r, http::Respond respond) {
    list_messages(std::move(r), std::move(respond));
  });
  router.add("GET", "/v1/messages/{id}", [this](http::Request&& r, http::Respond respond) {
    get_message(std::move(r), std::move(respond));
  });
  router.add("GET", "/healthz", [](http::Request&&, http::Respond respond) {
    respond(http::Response{200, "application/json", {}, R"({"status":"ok"})"});
  });
  router.add("GET", "/readyz", [this](http::Request&& r, http::Respond respond) {
    ready(std::move(r), std::move(respond));
  });
  router.add("GET", "/metrics", [this](http::Request&& r, http::Respond respond) {
    metrics(std::move(r), std::move(respond));
  });
  router.add("GET", "/v1/openapi.json", [](http::Request&& r, http::Respond respond) {
    respond(openapi_response(r));  // public: the contract is no secret
  });
}

void Api::ready(http::Request&&, http::Respond respond) {
  if (pipeline_.ready()) {
    respond(http::Response{200, "application/json", {}, R"({"status":"ready"})"});
    return;
  }
  respond(unavailable_problem("The database is not writable or no carrier is bound.",
                              options_.retry_after)
              .to_response());
}

void Api::metrics(http::Request&&, http::Respond respond) {
  std::vector<LinkGauge> links;
  if (links_) links = links_();
  std::string text = render_pipeline_metrics(pipeline_.stats(), links);
  http_metrics_.render(text);
  if (metrics_extension_) text += metrics_extension_();
  respond(http::Response{200, "text/plain; version=0.0.4; charset=utf-8", {}, std::move(text)});
}

std::string render_pipeline_metrics(const pipeline::Stats& stats, const std::vector<LinkGauge>& links) {
  std::string out;
  auto counter = [&out](const char* name, const char* help, std::uint64_t value) {
    fmt::format_to(std::back_inserter(out), "# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name,
                   help, value);
  };
  counter("diskret_messages_accepted_total", "Messages accepted (durably stored).", stats.accepted);
  counter("diskret_messages_submitted_total", "Messages a carrier accepted.", stats.submitted);
  counter("diskret_messages_delivered_total", "Messages with a delivery receipt.", stats.delivered);
  counter("diskret_messages_failed_total", "Messages that failed for good.", stats.failed);
  counter("diskret_messages_expired_total", "Messages that expired undelivered.", stats.expired);
  counter("diskret_messages_rejected_total", "Recipients rejected before sending.", stats.rejected);
  counter("diskret_receipts_unknown_total", "Delivery receipts naming no known message.",
          stats.receipts_unknown);
  counter("diskret_inbound_total", "Mobile-originated messages received.", stats.inbound);
  auto gauge = [&out](const char* name, const char* help, std::uint64_t value) {
    fmt::format_to(std::back_inserter(out), "# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", name,
                   help, value);
  };
  gauge("diskret_queue_depth", "Messages accepted and not yet submitted.", stats.queue_depth);
  gauge("diskret_in_flight", "Messages handed to carriers without a committed outcome.",
        stats.in_flight);
  gauge("diskret_commit_queue", "Accepted requests waiting for their commit.", stats.commit_queue);
  out += "# HELP diskret_carrier_bound Whether a carrier bind is bound (1) or not (0).\n"
         "# TYPE diskret_carrier_bound gauge\n";
  for (const auto& l : links) {
    fmt::format_to(std::back_inserter(out), "diskret_carrier_bound{{carrier=\"{}\",bind=\"{}\"}} {}\n",
                   http::escape_label(l.carrier), l.bind, l.bound ? 1 : 0);
  }
  out += "# HELP diskret_carrier_in_flight submit_sm awaiting their response, per bind.\n"
         "# TYPE diskret_carrier_in_flight gauge\n";
  for (const auto& l : links) {
    fmt::format_to(std::back_inserter(out), "diskret_carrier_in_flight{{carrier=\"{}\",bind=\"{}\"}} {}\n",
                   http::escape_label(l.carrier), l.bind, l.in_flight);
  }
  return out;
}

}  // namespace diskret::api
