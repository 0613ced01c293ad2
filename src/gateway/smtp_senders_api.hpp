#pragma once
/// /v1/smtp-senders: the sender addresses a tenant registered for email to SMS without
/// SMTP AUTH. POST {address, networks: ["192.0.2.0/24", ...]} -> 201; GET lists; DELETE
/// /v1/smtp-senders/{id}. Owners and admins only; store work runs on the caller's thread
/// (one indexed row, like /v1/smpp-credentials).
#include <chrono>

#include "api/authenticator.hpp"
#include "core/clock.hpp"
#include "gateway/smtp_senders.hpp"
#include "http/router.hpp"

namespace diskret::gateway {

class SmtpSendersApi {
 public:
  SmtpSendersApi(SmtpSenders& senders, tenancy::TenantService& tenants, const Clock& clock,
                 std::chrono::seconds settings_ttl = std::chrono::seconds{30});
  void add_routes(http::Router& router);

  void create(http::Request&& request, http::Respond respond);
  void list(http::Request&& request, http::Respond respond);
  void remove(http::Request&& request, http::Respond respond);

 private:
  SmtpSenders& senders_;
  api::Authenticator auth_;
};

}  // namespace diskret::gateway
