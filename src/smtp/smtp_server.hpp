#pragma once
/// The SMTP listener of the email-to-SMS gateway: accepts connections (with a cap), runs
/// an SmtpSession per connection over a socket (STARTTLS via OpenSSL when a certificate is
/// configured), enforces the idle and total-session timeouts, and hands accepted mails to
/// the Backend. Asio stays inside smtp_server.cpp (pimpl); one I/O thread.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/expected.hpp"
#include "io/tls_config.hpp"
#include "smtp/backend.hpp"
#include "smtp/smtp_session.hpp"

namespace diskret::smtp {

struct SmtpServerConfig {
  std::string listen = "127.0.0.1:2525";  ///< "host:port" or "[v6]:port"; port 0 = any free
  SessionConfig session;      ///< hostname, sms_domain, limits (tls_available is set by start())
  std::string tls_cert_file;  ///< PEM chain; with tls_key_file: STARTTLS is offered
  std::string tls_key_file;   ///< PEM private key
  io::TlsVersion tls_min_version = io::TlsVersion::v1_2;
  /// With TLS configured, AUTH is refused until STARTTLS (538 5.7.11) unless this is set.
  bool allow_plaintext_auth = false;
  std::size_t max_connections = 100;  ///< more get "421 4.7.0" and are closed
  /// Open connections of one client address; more get "421 4.7.0" too. 0 = no cap.
  std::size_t max_connections_per_ip = 0;
  std::chrono::milliseconds command_timeout{std::chrono::minutes(5)};   ///< RFC 5321 4.5.3.2
  std::chrono::milliseconds session_timeout{std::chrono::minutes(30)};  ///< whole connection
  /// Longest wait for Backend::submit; then 451 4.3.0 (the client retries).
  std::chrono::milliseconds delivery_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds shutdown_grace{std::chrono::seconds(10)};
};

class SmtpServer {
 public:
  /// The backend must outlive the server; it is called on the server's I/O thread.
  SmtpServer(SmtpServerConfig config, Backend& backend);
  ~SmtpServer();  ///< stops if still running
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  /// Loads the certificate (if configured), binds and starts the I/O thread. Fails with
  /// Errc::invalid_argument (bad address, unreadable certificate or key) or
  /// Errc::unavailable (cannot bind), the reason in the detail.
  Expected<void> start();
  std::uint16_t port() const;  ///< the bound port (useful with port 0); 0 before start()
  /// Stops accepting; idle connections get "421 4.3.2" now, a mail being stored gets its
  /// answer first (up to shutdown_grace). Joins the I/O thread.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace diskret::smtp
