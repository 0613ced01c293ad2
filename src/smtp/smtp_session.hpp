#pragma once
/// The SMTP server protocol (RFC 5321 with PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES,
/// STARTTLS, AUTH PLAIN/LOGIN) as a pure state machine: bytes in, reply bytes and actions
/// out. No I/O, no clock: the driver (SmtpServer, a test) writes the replies, performs the
/// actions and reports back.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smtp/backend.hpp"

namespace diskret::smtp {

struct SessionConfig {
  std::string hostname = "localhost";  ///< shown in the greeting and EHLO reply
  std::string sms_domain = "sms.localhost";
  std::size_t max_message_bytes = 256 * 1024;  ///< advertised as SIZE; larger: 552 5.3.4
  std::size_t max_recipients = 100;            ///< more: 452 4.5.3
  std::size_t max_command_line = 512;          ///< octets with CRLF (RFC 5321 4.5.3.1.4)
  std::size_t max_text_line = 1000;            ///< octets with CRLF (RFC 5321 4.5.3.1.6)
  std::size_t max_auth_line = 12288;           ///< AUTH lines (RFC 4954 section 4)
  std::size_t max_errors = 10;                 ///< refused commands before the session is closed
  std::size_t max_auth_failures = 3;
  bool tls_available = false;  ///< a certificate is configured: offer STARTTLS
  /// Offer AUTH only inside TLS. Sensible whenever TLS is available; without a
  /// certificate (a loopback-only listener) AUTH is offered in the clear.
  bool auth_requires_tls = false;
};

/// A mail whose DATA ended: what the driver converts and submits.
struct Envelope {
  TenantRef tenant;
  std::string sender;                   ///< MAIL FROM address ("" for <>)
  std::vector<std::string> recipients;  ///< accepted number texts, without duplicates
  std::string message;                  ///< the raw message (dot-unstuffed, CRLF lines)
};

/// What the driver must do now, in this order: write `replies`, then perform at most one
/// of the actions. While an action is pending, input is buffered but not processed.
struct Output {
  std::string replies;
  std::optional<Envelope> deliver;  ///< submit it, then call on_delivered()
  bool start_tls = false;           ///< TLS handshake, then on_tls_started() (or close)
  bool close = false;               ///< close the connection after writing
};

class SmtpSession {
 public:
  /// The backend is used synchronously for AUTH, MAIL and RCPT; it must outlive the session.
  /// `client_ip` is passed to Backend::tenant_for_sender.
  SmtpSession(SessionConfig config, Backend& backend, std::string client_ip = {});

  Output greet();                       ///< the 220 banner
  Output feed(std::string_view bytes);  ///< any number of bytes, any split
  /// The result of submitting the pending envelope: 250 when durable, else the refusal.
  Output on_delivered(const Expected<void>& result);
  Output on_tls_started();  ///< the handshake succeeded: a fresh session inside TLS
  Output on_timeout();      ///< the client was idle too long: 421 and close
  Output on_shutdown();     ///< the server stops: 421 and close

  bool waiting() const { return waiting_; }  ///< an action is pending
  bool closed() const { return closed_; }
  bool tls_active() const { return tls_active_; }
  bool authenticated() const { return auth_tenant_.has_value(); }
  std::size_t buffered() const { return in_.size() - pos_; }

 private:
  enum class Phase { command, auth_plain, auth_login_user, auth_login_password, data };
  struct Line {
    std::string_view text;  ///< without the line end
    bool crlf = false;      ///< ended in CRLF (not a bare LF)
    bool too_long = false;  ///< over the limit: text is empty
  };
  struct Transaction {
    TenantRef tenant;
    std::string sender;
    std::vector<std::string> recipients;
  };

  Output pump();
  std::optional<Line> next_line();
  std::size_t line_limit() const;
  void on_command(const Line& line);
  void on_data_line(const Line& line);
  void on_auth_line(const Line& line);
  void end_of_data();

  void cmd_helo(std::string_view arg, bool extended);
  void cmd_starttls(std::string_view arg);
  void cmd_auth(std::string_view arg);
  void cmd_mail(std::string_view arg);
  void cmd_rcpt(std::string_view arg);
  void cmd_data(std::string_view arg);
  void finish_auth(std::string_view user, std::string_view password);
  void auth_failed(int code, std::string_view enhanced, std::string_view text);

  void reply(int code, std::string_view enhanced, std::string_view text);
  void refuse(int code, std::string_view enhanced, std::string_view text);  ///< counts errors
  void close_with(int code, std::string_view enhanced, std::string_view text);
  void reset_transaction();

  SessionConfig config_;
  Backend& backend_;
  std::string client_ip_;
  Output out_;
  std::string in_;
  std::size_t pos_ = 0;
  bool discarding_ = false;  ///< skipping the rest of an overlong line

  Phase phase_ = Phase::command;
  bool greeted_ = false;  ///< HELO or EHLO seen
  bool tls_active_ = false;
  bool waiting_ = false;
  bool closed_ = false;
  std::optional<TenantRef> auth_tenant_;
  std::string login_user_;
  std::optional<Transaction> transaction_;
  std::size_t errors_ = 0;
  std::size_t auth_failures_ = 0;

  std::string message_;
  std::size_t message_bytes_ = 0;
  bool message_too_big_ = false;
  bool message_line_too_long_ = false;
  bool previous_crlf_ = true;
};

}  // namespace diskret::smtp
