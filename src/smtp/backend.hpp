#pragma once
/// The seam between the SMTP gateway and the rest of diskret: who may send, whom to, and
/// where accepted messages go. The real adapter (tenancy + pipeline) lives with the
/// integrator; tests use a fake.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace diskret::smtp {

/// The tenant a session sends for, with the settings the gateway needs.
struct TenantRef {
  std::string id;                  ///< public tenant id, e.g. "tn_..."
  bool subject_as_prefix = false;  ///< SMS text is "Subject: body" (tenant setting, default off)
};

/// One accepted mail, ready for the pipeline: one SMS per recipient, same text.
struct Submission {
  TenantRef tenant;
  std::string sender_address;           ///< MAIL FROM (may be empty: null reverse-path)
  std::vector<std::string> recipients;  ///< number texts as written, for libphonenumber
  std::string text;                     ///< UTF-8 SMS text (personal data: never log it)
};

/// Error conventions (codes of diskret::Errc unless said otherwise):
///  * `Errc::unavailable` (and io_error, internal): temporary; the client is told to retry
///    (451 4.3.0, or 454 4.7.0 for authentication).
///  * `Errc::permission_denied`: a policy refusal (suppressed, country not allowed, no
///    credit); the detail is shown to the client.
///  * anything else: permanent; the detail (one sentence, no personal data) is shown.
class Backend {
 public:
  virtual ~Backend() = default;

  /// AUTH PLAIN/LOGIN: user = tenant id, password = one of its API keys. Wrong credentials
  /// are any non-temporary error (answered 535 5.7.8 without detail, so nothing leaks).
  virtual Expected<TenantRef> authenticate(std::string_view user, std::string_view password) = 0;

  /// An unauthenticated MAIL FROM: the tenant that registered this sender address and
  /// allows sending by address alone. Not found or not allowed: 530 5.7.0. A sender address
  /// is easy to forge: the adapter should also check `client_ip` against the networks the
  /// tenant registered (its own mail servers).
  virtual Expected<TenantRef> tenant_for_sender(std::string_view sender_address,
                                                std::string_view client_ip) = 0;

  /// RCPT TO: may this tenant send to this number? The detail is the reason (e.g. "not a
  /// valid number for region DE"); the other recipients of the mail are unaffected.
  virtual Expected<void> check_recipient(const TenantRef& tenant, std::string_view number_text) = 0;

  /// Called exactly once, from any thread, after the messages are durable (or with the
  /// error that kept them from being stored).
  using Done = std::function<void(Expected<void>)>;
  /// Enters the messages into the durable pipeline. Must not block.
  virtual void submit(Submission&& submission, Done done) = 0;
};

/// Temporary failures (the client is told to retry): Errc::unavailable, io_error, internal.
inline bool is_temporary(const Error& e) {
  return e.code == make_error_code(diskret::Errc::unavailable) ||
         e.code == make_error_code(diskret::Errc::io_error) ||
         e.code == make_error_code(diskret::Errc::internal);
}

}  // namespace diskret::smtp
