#include "gateway/smtp_backend.hpp"

#include <atomic>
#include <chrono>

#include <fmt/format.h>

#include "api/send_request.hpp"
#include "smtp/errc.hpp"
#include "sms/text.hpp"

namespace diskret::gateway {
namespace {

/// Compares without an early exit, so the time taken says nothing about how much of the
/// tenant id matched (the id is not secret, but a cheap habit).
bool same_text(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

/// Wrong credentials of any kind read the same (535, nothing leaks); a tenancy that cannot
/// answer stays temporary (454) so the client retries.
Error refused_or_temporary(const Error& e) {
  if (smtp::is_temporary(e)) return e;
  return Error{make_error_code(Errc::permission_denied), {}};
}

// Names one mail's messages in the log: the process start and a counter, so ids from two
// runs differ.
std::string submission_id() {
  static const auto start = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  static std::atomic<std::uint64_t> counter{0};
  return fmt::format("smtp-{:x}-{}", start, ++counter);
}

}  // namespace

SmtpBackend::SmtpBackend(tenancy::TenantService& tenants, pipeline::Pipeline& pipeline,
                         SmtpBackendOptions options)
    : tenants_(tenants), pipeline_(pipeline), options_(std::move(options)) {}

Expected<smtp::TenantRef> SmtpBackend::authenticate(std::string_view user, std::string_view password) {
  // The key check is TenantService's (constant-time, revoked keys fail at once); here only
  // whether that key belongs to the named tenant and may send.
  auto principal = tenants_.authenticate(password);
  if (!principal) return unexpected(refused_or_temporary(principal.error()));
  if (!same_text(principal->tenant_public_id, user)) return fail(Errc::permission_denied);
  if (principal->role == tenancy::Role::viewer) return fail(Errc::permission_denied);
  return smtp::TenantRef{principal->tenant_public_id, false};
}

Expected<smtp::TenantRef> SmtpBackend::tenant_for_sender(std::string_view sender_address,
                                                        std::string_view client_ip) {
  constexpr std::string_view kRefused =
      "This sender address may not send from your network without authentication; "
      "authenticate with the tenant id and an API key.";
  if (!options_.senders) return fail(Errc::permission_denied, std::string(kRefused));
  auto tenant = options_.senders->resolve(sender_address, client_ip);
  if (!tenant) return fail(Errc::unavailable, "Sender addresses cannot be checked right now.");
  if (!*tenant) return fail(Errc::permission_denied, std::string(kRefused));
  auto found = tenants_.get_tenant(tenancy::TenantId{**tenant});
  if (!found) {
    if (smtp::is_temporary(found.error())) return unexpected(found.error());
    return fail(Errc::permission_denied, "This account cannot send any more.");
  }
  return smtp::TenantRef{found->public_id, false};
}

Expected<tenancy::Tenant> SmtpBackend::tenant_of(const smtp::TenantRef& ref) {
  auto tenant = tenants_.find_tenant(ref.id);
  if (tenant) return tenant;
  if (smtp::is_temporary(tenant.error())) return tenant;
  return fail(Errc::permission_denied, "This account cannot send any more.");
}

api::Caller SmtpBackend::caller_of(const tenancy::Tenant& tenant) {
  api::Caller caller;
  caller.principal.tenant = tenant.id;
  caller.principal.tenant_public_id = tenant.public_id;
  caller.principal.role = tenancy::Role::sender;
  caller.settings = tenant.settings;
  return caller;
}

Expected<void> SmtpBackend::check_recipient(const smtp::TenantRef& ref, std::string_view number_text) {
  auto tenant = tenant_of(ref);
  if (!tenant) return unexpected(tenant.error());
  // One-recipient plan: exactly the rules POST /v1/messages applies per recipient, so the
  // two front doors cannot drift apart.
  api::SendRequest probe;
  probe.to.emplace_back(number_text);
  probe.from = options_.default_sender;
  auto planned = api::plan_messages(probe, tenant->settings);
  if (!planned.empty() && !planned.front().rejected && options_.send_policy) {
    // Transactional mail still stops at an opt-out; the check is one index read.
    if (auto screened = options_.send_policy->screen(caller_of(*tenant), planned); !screened) {
      return fail(Errc::unavailable, "The opt-out list cannot be checked right now; please try again later.");
    }
  }
  if (planned.empty() || !planned.front().rejected) return {};
  const auto& why = *planned.front().rejected;
  if (why.code == "suppressed") {
    return fail(Errc::permission_denied,
                "The recipient has opted out of SMS from this account.");
  }
  if (why.code == "invalid_number") {
    return fail(Errc::invalid_argument, fmt::format("Not a valid phone number ({}).", why.detail));
  }
  return fail(Errc::permission_denied, why.detail);
}

void SmtpBackend::submit(smtp::Submission&& submission, Done done) {
  auto tenant = tenant_of(submission.tenant);
  if (!tenant) return done(unexpected(tenant.error()));
  auto info = sms::analyse(submission.text);
  if (!info) return done(fail(Errc::invalid_argument, "The mail has no text that could be sent as SMS."));
  if (info->segments > tenant->settings.max_segments) {
    return done(fail(Errc::invalid_argument,
                     fmt::format("The text needs {} SMS parts; this account allows at most {}. "
                                 "Please shorten the mail.",
                                 info->segments, tenant->settings.max_segments)));
  }

  api::SendRequest request;
  request.to = std::move(submission.recipients);
  request.text = std::move(submission.text);
  request.from = options_.default_sender;
  request.category = pipeline::Category::transactional;
  request.text_info = *info;

  pipeline::AcceptRequest accept;
  accept.tenant = tenant->id;
  accept.request_id = submission_id();
  accept.messages = api::plan_messages(request, tenant->settings);
  api::SendPolicy* policy = options_.submit_policy ? options_.submit_policy : options_.send_policy;
  if (policy) {
    // Again at DATA: an opt-out that arrived after RCPT still wins (stored `rejected`); a
    // pumped or phishing recipient is held for review (stored `rejected`, held_for_review).
    if (auto screened = policy->screen(caller_of(*tenant), accept.messages); !screened) {
      return done(fail(Errc::unavailable,
                       "The opt-out list cannot be checked right now; nothing was accepted."));
    }
  }
  // Content the tenant's policy refuses (a card number, an IBAN ...) refuses the whole mail
  // with a sentence (550): nothing is stored, the sender learns why at once.
  for (const auto& m : accept.messages) {
    if (m.rejected && m.rejected->code == "sensitive_content") {
      return done(unexpected(Error{smtp::make_error_code(smtp::Errc::content_refused),
                                   m.rejected->detail}));
    }
  }
  auto ids = pipeline_.preassign(accept.messages.size());
  // Who to tell if a message fails later: only the messages that will be sent.
  std::vector<pipeline::MessageId> bounce_ids;
  std::vector<std::string> bounce_numbers;
  BounceNotifier* bounces = options_.bounces;
  if (bounces && !bounces->wants(submission.tenant.id, tenant->id.value)) bounces = nullptr;
  for (std::size_t i = 0; bounces && i < accept.messages.size() && i < ids.size(); ++i) {
    if (accept.messages[i].rejected) continue;
    bounce_ids.push_back(ids[i]);
    bounce_numbers.push_back(accept.messages[i].to);
  }
  if (bounces) {
    // Who to tell is stored with the messages: a restart before the outcome loses nothing.
    auto writer = bounces->prepare(tenant->id.value, bounce_ids, bounce_numbers,
                                   submission.sender_address);
    if (!writer) {
      return done(fail(Errc::unavailable,
                       "Messages cannot be stored right now; nothing was accepted."));
    }
    accept.write_with = std::move(*writer);
  }
  // 250 only once the messages are durable: Done is called from the commit callback.
  pipeline_.accept(std::move(accept), ids,
                   [done = std::move(done)](Expected<pipeline::AcceptResult> result) {
                     if (!result) {
                       return done(fail(Errc::unavailable,
                                        "Messages cannot be stored right now; nothing was accepted."));
                     }
                     done({});
                   });
}

}  // namespace diskret::gateway
