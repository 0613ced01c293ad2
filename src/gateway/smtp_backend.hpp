#pragma once
/// The real smtp::Backend: SMTP credentials checked against tenancy (user = tenant public
/// id, password = one of its API keys), recipients and mails run through the same rules
/// as POST /v1/messages (api::plan_messages), accepted mails entered into the durable
/// pipeline. Done is called only after the commit is durable.
#include <string>
#include <string_view>

#include "api/send_policy.hpp"
#include "gateway/bounce_notifier.hpp"
#include "gateway/smtp_senders.hpp"
#include "pipeline/pipeline.hpp"
#include "smtp/backend.hpp"
#include "sms/sender_id.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::gateway {

struct SmtpBackendOptions {
  /// Sender id of SMS sent by mail ([smtp] default_sender); tenants have no per-tenant
  /// default sender setting yet.
  sms::SenderId default_sender{"Diskret", sms::SenderKind::alphanumeric, 5, 0};
  /// The suppression list and consent rules of POST /v1/messages (issue 4): a recipient
  /// who opted out is refused at RCPT (550) and, should the opt-out land between RCPT and
  /// DATA, stored `rejected` with reason `suppressed`. Null: no screening (unit tests).
  api::SendPolicy* send_policy = nullptr;
  /// Registered sender addresses (mail without AUTH from the tenant's own networks).
  /// Null: only authenticated mail is taken.
  SmtpSenders* senders = nullptr;
  /// Bounce mails for messages that end failed or expired, for the tenants that want
  /// them. Null: none.
  BounceNotifier* bounces = nullptr;
  /// The policy at DATA, when set (else `send_policy`): `send_policy` with the SMS pumping
  /// guard and the link check around it (issue 11). Not at RCPT: the guard would count, and
  /// hold, every recipient twice.
  api::SendPolicy* submit_policy = nullptr;
};

class SmtpBackend final : public smtp::Backend {
 public:
  /// Both services must outlive the backend; they are called from the SMTP I/O thread.
  SmtpBackend(tenancy::TenantService& tenants, pipeline::Pipeline& pipeline,
              SmtpBackendOptions options = {});

  /// The API key must belong to the tenant named by `user` and may send (not viewer).
  /// Any mismatch is Errc::permission_denied without detail (answered 535).
  Expected<smtp::TenantRef> authenticate(std::string_view user, std::string_view password) override;
  /// The tenant that registered `sender_address` for a network holding `client_ip`;
  /// otherwise Errc::permission_denied with a sentence (530), a store that cannot answer
  /// Errc::unavailable (454).
  Expected<smtp::TenantRef> tenant_for_sender(std::string_view sender_address,
                                              std::string_view client_ip) override;
  /// The per-recipient rules of api::plan_messages: an invalid number is
  /// Errc::invalid_argument with libphonenumber's reason, any other refusal
  /// (country not allowed, opted out, ...) Errc::permission_denied with its sentence.
  Expected<void> check_recipient(const smtp::TenantRef& tenant, std::string_view number_text) override;
  /// Transactional SMS from the default sender, one per recipient; a text over the tenant's
  /// segment limit (or without any text) fails permanently with a sentence; a pipeline
  /// that cannot commit fails with Errc::unavailable (451, the client retries).
  void submit(smtp::Submission&& submission, Done done) override;

 private:
  Expected<tenancy::Tenant> tenant_of(const smtp::TenantRef& ref);
  static api::Caller caller_of(const tenancy::Tenant& tenant);

  tenancy::TenantService& tenants_;
  pipeline::Pipeline& pipeline_;
  SmtpBackendOptions options_;
};

}  // namespace diskret::gateway
