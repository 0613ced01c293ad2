// AUTH PLAIN and LOGIN (RFC 4954) for SmtpSession: user = tenant id, password = API key.
#include "smtp/command.hpp"
#include "smtp/sasl.hpp"
#include "smtp/smtp_session.hpp"

namespace diskret::smtp {
namespace {

constexpr std::string_view kUsernamePrompt = "VXNlcm5hbWU6";  // base64("Username:")
constexpr std::string_view kPasswordPrompt = "UGFzc3dvcmQ6";  // base64("Password:")

/// Overwrites a secret before it is freed, so API keys do not linger in heap memory.
void wipe(std::string& secret) {
  volatile char* p = secret.data();
  for (std::size_t i = 0; i < secret.size(); ++i) p[i] = 0;
  secret.clear();
}

}  // namespace

void SmtpSession::cmd_auth(std::string_view arg) {
  if (!greeted_) return refuse(503, "5.5.1", "Send EHLO first");
  if (authenticated()) return refuse(503, "5.5.1", "Already authenticated");
  if (transaction_) return refuse(503, "5.5.1", "AUTH is not allowed during a mail transaction");
  if (config_.auth_requires_tls && !tls_active_) {
    return refuse(538, "5.7.11", "Encryption required: use STARTTLS before AUTH");
  }
  auto [mechanism, initial] = split_command(arg);
  if (mechanism.empty()) return refuse(501, "5.5.4", "Syntax: AUTH PLAIN or AUTH LOGIN");
  if (mechanism != "PLAIN" && mechanism != "LOGIN") {
    return refuse(504, "5.5.4", "Unrecognized authentication mechanism: use PLAIN or LOGIN");
  }
  if (initial.find(' ') != std::string_view::npos)
    return refuse(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
  if (mechanism == "PLAIN") {
    if (initial.empty()) {
      phase_ = Phase::auth_plain;
      return reply(334, "", "");
    }
    phase_ = Phase::auth_plain;
    return on_auth_line(Line{initial, true, false});
  }
  phase_ = Phase::auth_login_user;
  if (initial.empty()) return reply(334, "", kUsernamePrompt);
  on_auth_line(Line{initial, true, false});
}

void SmtpSession::on_auth_line(const Line& line) {
  const Phase phase = phase_;
  phase_ = Phase::command;
  if (line.too_long) return auth_failed(500, "5.5.2", "Authentication line too long");
  if (line.text == "*") {
    wipe(login_user_);
    return refuse(501, "5.7.0", "Authentication cancelled");
  }
  // "=" is the empty initial response (RFC 4954).
  auto decoded = line.text == "=" ? std::optional<std::string>("") : base64_decode(line.text);
  if (!decoded) {
    wipe(login_user_);
    return refuse(501, "5.5.2", "Cannot decode the base64 response");
  }
  switch (phase) {
    case Phase::auth_plain: {
      auto credentials = parse_plain(*decoded);
      wipe(*decoded);
      if (!credentials) return auth_failed(535, "5.7.8", "Authentication credentials invalid");
      finish_auth(credentials->user, credentials->password);
      wipe(credentials->password);
      return;
    }
    case Phase::auth_login_user:
      if (decoded->empty()) return auth_failed(535, "5.7.8", "Authentication credentials invalid");
      login_user_ = std::move(*decoded);
      phase_ = Phase::auth_login_password;
      return reply(334, "", kPasswordPrompt);
    case Phase::auth_login_password:
      if (decoded->empty()) {
        wipe(login_user_);
        return auth_failed(535, "5.7.8", "Authentication credentials invalid");
      }
      finish_auth(login_user_, *decoded);
      wipe(login_user_);
      wipe(*decoded);
      return;
    default:
      return;
  }
}

void SmtpSession::finish_auth(std::string_view user, std::string_view password) {
  auto tenant = backend_.authenticate(user, password);
  if (tenant) {
    auth_tenant_ = std::move(*tenant);
    return reply(235, "2.7.0", "Authentication successful");
  }
  const auto& e = tenant.error();
  if (is_temporary(e)) {
    return reply(454, "4.7.0", "Temporary authentication failure; please try again later");
  }
  auth_failed(535, "5.7.8", "Authentication credentials invalid");
}

void SmtpSession::auth_failed(int code, std::string_view enhanced, std::string_view text) {
  reply(code, enhanced, text);
  if (++auth_failures_ >= config_.max_auth_failures) {
    close_with(421, "4.7.0", "Too many failed authentication attempts, closing connection");
  }
}

}  // namespace diskret::smtp
