#include "smtp/smtp_session.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "smtp/command.hpp"
#include "smtp/errc.hpp"
#include "smtp/recipient.hpp"
#include "smtp/sasl.hpp"

namespace diskret::smtp {
namespace {

bool is(const Error& e, diskret::Errc code) { return e.code == make_error_code(code); }

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

/// A backend detail, or the fallback when there is none (reply() neutralises line breaks).
std::string detail_or(std::string_view text, std::string_view fallback) {
  return std::string(text.empty() ? fallback : text);
}

}  // namespace

SmtpSession::SmtpSession(SessionConfig config, Backend& backend, std::string client_ip)
    : config_(std::move(config)), backend_(backend), client_ip_(std::move(client_ip)) {}

Output SmtpSession::greet() {
  reply(220, "", config_.hostname + " ESMTP diskret email-to-SMS gateway ready");
  return std::exchange(out_, {});
}

Output SmtpSession::feed(std::string_view bytes) {
  if (closed_) return {};
  in_.append(bytes);
  return pump();
}

Output SmtpSession::pump() {
  while (!waiting_ && !closed_) {
    auto line = next_line();
    if (!line) break;
    switch (phase_) {
      case Phase::command:
        on_command(*line);
        break;
      case Phase::data:
        on_data_line(*line);
        break;
      default:
        on_auth_line(*line);
        break;
    }
  }
  if (closed_) {
    in_.clear();
    pos_ = 0;
  } else if (pos_ > 0) {
    in_.erase(0, pos_);
    pos_ = 0;
  }
  return std::exchange(out_, {});
}

std::size_t SmtpSession::line_limit() const {
  switch (phase_) {
    case Phase::data:
      return config_.max_text_line;
    case Phase::command:
      return starts_with_icase(std::string_view(in_).substr(pos_), "AUTH ")
                 ? config_.max_auth_line
                 : config_.max_command_line;
    default:
      return config_.max_auth_line;
  }
}

std::optional<SmtpSession::Line> SmtpSession::next_line() {
  const std::size_t limit = line_limit();
  const std::size_t lf = in_.find('\n', pos_);
  if (lf == std::string::npos) {
    // No line end yet. Past the limit the line can only be refused: drop what we have so
    // that a client without line ends cannot make us buffer without bound.
    if (discarding_ || in_.size() - pos_ > limit) {
      discarding_ = true;
      pos_ = in_.size();
    }
    return std::nullopt;
  }
  const std::size_t length = lf - pos_ + 1;
  Line line;
  if (discarding_ || length > limit) {
    line.too_long = true;
    line.crlf = true;
  } else {
    line.text = std::string_view(in_).substr(pos_, lf - pos_);
    line.crlf = !line.text.empty() && line.text.back() == '\r';
    if (line.crlf) line.text.remove_suffix(1);
  }
  discarding_ = false;
  pos_ = lf + 1;
  return line;
}

void SmtpSession::on_command(const Line& line) {
  if (line.too_long) {
    return refuse(
        500, "5.5.2",
        fmt::format("Line too long: commands are limited to {} octets", config_.max_command_line));
  }
  auto [verb, arg] = split_command(line.text);
  if (verb == "EHLO") return cmd_helo(arg, true);
  if (verb == "HELO") return cmd_helo(arg, false);
  if (verb == "MAIL") return cmd_mail(arg);
  if (verb == "RCPT") return cmd_rcpt(arg);
  if (verb == "DATA") return cmd_data(arg);
  if (verb == "AUTH") return cmd_auth(arg);
  if (verb == "STARTTLS") return cmd_starttls(arg);
  if (verb == "RSET") {
    if (!arg.empty()) return refuse(501, "5.5.4", "RSET takes no argument");
    reset_transaction();
    return reply(250, "2.0.0", "Reset OK");
  }
  if (verb == "NOOP") return reply(250, "2.0.0", "OK");
  if (verb == "QUIT") return close_with(221, "2.0.0", config_.hostname + " closing connection");
  if (verb == "VRFY") {
    if (arg.empty()) return refuse(501, "5.5.4", "VRFY needs an address");
    return reply(252, "2.5.0",
                 "Cannot verify the user, but will accept the message and attempt delivery");
  }
  if (verb == "EXPN")
    return refuse(502, "5.5.1", "EXPN is not supported: there are no mailing lists here");
  if (verb == "HELP") {
    return reply(214, "2.0.0",
                 "Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA RSET NOOP QUIT VRFY HELP. "
                 "Send mail to <number>@" +
                     config_.sms_domain + " to send an SMS.");
  }
  if (verb.empty()) return refuse(500, "5.5.2", "Empty command");
  refuse(500, "5.5.1", "Command not recognized");
}

void SmtpSession::cmd_helo(std::string_view arg, bool extended) {
  if (arg.empty())
    return refuse(501, "5.5.4",
                  extended ? "EHLO needs a domain or address" : "HELO needs a domain or address");
  reset_transaction();
  greeted_ = true;
  if (!extended) return reply(250, "", config_.hostname + " Hello");
  std::vector<std::string> lines{config_.hostname + " Hello", "PIPELINING",
                                 fmt::format("SIZE {}", config_.max_message_bytes), "8BITMIME",
                                 "ENHANCEDSTATUSCODES"};
  if (config_.tls_available && !tls_active_) lines.emplace_back("STARTTLS");
  if (!authenticated() && (tls_active_ || !config_.auth_requires_tls))
    lines.emplace_back("AUTH PLAIN LOGIN");
  lines.emplace_back("HELP");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out_.replies += fmt::format("250{}{}\r\n", i + 1 == lines.size() ? ' ' : '-', lines[i]);
  }
}

void SmtpSession::cmd_starttls(std::string_view arg) {
  if (!arg.empty()) return refuse(501, "5.5.4", "STARTTLS takes no argument");
  if (tls_active_) return refuse(503, "5.5.1", "TLS is already active");
  if (!config_.tls_available)
    return refuse(454, "4.7.0", "TLS is not available: no certificate is configured");
  if (!greeted_) return refuse(503, "5.5.1", "Send EHLO first");
  reply(220, "2.0.0", "Ready to start TLS");
  // Anything the client pipelined after STARTTLS was sent in the clear and must not be
  // executed inside TLS (the CVE-2011-0411 command injection): drop it.
  in_.clear();
  pos_ = 0;
  discarding_ = false;
  out_.start_tls = true;
  waiting_ = true;
}

Output SmtpSession::on_tls_started() {
  waiting_ = false;
  tls_active_ = true;
  greeted_ = false;  // RFC 3207: forget everything learned before TLS
  auth_tenant_.reset();
  reset_transaction();
  return pump();
}

void SmtpSession::cmd_mail(std::string_view arg) {
  if (!greeted_) return refuse(503, "5.5.1", "Send EHLO or HELO first");
  if (transaction_)
    return refuse(503, "5.5.1", "Nested MAIL command: a transaction is already open");
  auto path = parse_path_argument(arg, "FROM");
  if (!path) return refuse(501, "5.5.4", "Syntax: MAIL FROM:<address>");
  if (!path->address.empty() && !parse_mailbox(path->address)) {
    return refuse(501, "5.1.7", "The sender address is not valid");
  }
  for (const auto& [key, value] : path->params) {
    if (key == "SIZE") {
      if (value.empty() || value.size() > 12 ||
          value.find_first_not_of("0123456789") != std::string::npos) {
        return refuse(501, "5.5.4", "SIZE needs a number");
      }
      if (std::stoull(value) > config_.max_message_bytes) {
        return reply(
            552, "5.3.4",
            fmt::format("Message too large: the limit is {} bytes", config_.max_message_bytes));
      }
    } else if (key == "BODY") {
      if (!iequals(value, "7BIT") && !iequals(value, "8BITMIME")) {
        return refuse(501, "5.5.4", "BODY must be 7BIT or 8BITMIME");
      }
    } else if (key != "AUTH") {  // AUTH=<> is only informative for relays
      return refuse(555, "5.5.4", "Unsupported MAIL parameter " + key);
    }
  }
  Transaction t;
  if (auth_tenant_) {
    t.tenant = *auth_tenant_;
  } else {
    auto tenant = path->address.empty() ? Expected<TenantRef>(fail(diskret::Errc::not_found))
                                        : backend_.tenant_for_sender(path->address, client_ip_);
    if (!tenant) {
      if (is_temporary(tenant.error())) {
        return reply(451, "4.3.0", "Temporary failure checking the sender; please try again later");
      }
      return refuse(530, "5.7.0", "Authentication required");
    }
    t.tenant = std::move(*tenant);
  }
  t.sender = std::move(path->address);
  transaction_ = std::move(t);
  reply(250, "2.1.0", "Sender OK");
}

void SmtpSession::cmd_rcpt(std::string_view arg) {
  if (!transaction_) return refuse(503, "5.5.1", "Send MAIL first");
  auto path = parse_path_argument(arg, "TO");
  if (!path || path->address.empty())
    return refuse(501, "5.5.4", "Syntax: RCPT TO:<number@" + config_.sms_domain + ">");
  if (!path->params.empty())
    return refuse(555, "5.5.4", "Unsupported RCPT parameter " + path->params.front().first);
  auto number = sms_recipient(path->address, config_.sms_domain);
  if (!number) {
    const auto& e = number.error();
    if (e.code == Errc::malformed_address)
      return refuse(501, "5.1.3", "Bad recipient address: " + e.detail);
    if (e.code == Errc::foreign_domain) return reply(550, "5.1.2", "Relaying refused: " + e.detail);
    return reply(550, "5.1.1", "Invalid recipient: " + e.detail);
  }
  auto& recipients = transaction_->recipients;
  if (std::find(recipients.begin(), recipients.end(), *number) != recipients.end()) {
    return reply(250, "2.1.5", "Recipient OK (duplicate, one SMS is sent)");
  }
  if (recipients.size() >= config_.max_recipients) {
    return reply(
        452, "4.5.3",
        fmt::format("Too many recipients: at most {} per message", config_.max_recipients));
  }
  auto checked = backend_.check_recipient(transaction_->tenant, *number);
  if (!checked) {
    const auto& e = checked.error();
    if (is_temporary(e))
      return reply(451, "4.3.0",
                   "Temporary failure checking the recipient; please try again later");
    if (is(e, diskret::Errc::permission_denied)) {
      return reply(550, "5.7.1", "Recipient refused: " + detail_or(e.detail, "not allowed"));
    }
    return reply(550, "5.1.1", "Invalid recipient: " + detail_or(e.detail, e.code.message()));
  }
  recipients.push_back(std::move(*number));
  reply(250, "2.1.5", "Recipient OK");
}

void SmtpSession::cmd_data(std::string_view arg) {
  if (!arg.empty()) return refuse(501, "5.5.4", "DATA takes no argument");
  if (!transaction_) return refuse(503, "5.5.1", "Send MAIL first");
  if (transaction_->recipients.empty()) return refuse(554, "5.5.1", "No valid recipients");
  phase_ = Phase::data;
  message_.clear();
  message_bytes_ = 0;
  message_too_big_ = message_line_too_long_ = false;
  previous_crlf_ = true;
  reply(354, "", "End data with <CR><LF>.<CR><LF>");
}

void SmtpSession::on_data_line(const Line& line) {
  if (line.too_long) {
    message_line_too_long_ = true;
    previous_crlf_ = true;
    return;
  }
  // Only CRLF "." CRLF ends the data: a dot next to a bare LF must not (SMTP smuggling).
  if (line.text == "." && line.crlf && previous_crlf_) return end_of_data();
  previous_crlf_ = line.crlf;
  std::string_view text = line.text;
  if (!text.empty() && text.front() == '.') text.remove_prefix(1);  // dot-stuffing
  message_bytes_ += text.size() + 2;
  if (message_bytes_ > config_.max_message_bytes) {
    // Keep reading to the end of the data so the reply lands in the right place.
    message_too_big_ = true;
    std::string().swap(message_);
    return;
  }
  if (!message_line_too_long_) {
    message_.append(text);
    message_.append("\r\n");
  }
}

void SmtpSession::end_of_data() {
  phase_ = Phase::command;
  if (message_too_big_) {
    reset_transaction();
    return reply(
        552, "5.3.4",
        fmt::format("Message too large: the limit is {} bytes", config_.max_message_bytes));
  }
  if (message_line_too_long_) {
    reset_transaction();
    return reply(500, "5.5.2",
                 fmt::format("Line too long: message lines are limited to {} octets",
                             config_.max_text_line));
  }
  out_.deliver = Envelope{transaction_->tenant, transaction_->sender, transaction_->recipients,
                          std::move(message_)};
  message_.clear();
  waiting_ = true;
}

Output SmtpSession::on_delivered(const Expected<void>& result) {
  waiting_ = false;
  if (result) {
    const auto n = transaction_ ? transaction_->recipients.size() : 0;
    reply(250, "2.0.0", fmt::format("Message accepted: {} SMS queued", n));
  } else {
    const auto& e = result.error();
    if (e.code == Errc::empty_text || e.code == Errc::malformed_message) {
      reply(554, "5.6.0", "Message refused: " + detail_or(e.detail, e.code.message()));
    } else if (e.code == Errc::content_refused) {
      // RFC 5321 4.3.2 allows 550 after DATA for policy reasons; the sentence names the
      // kind of content, never the value.
      reply(550, "5.7.1", "Message refused: " + detail_or(e.detail, e.code.message()));
    } else if (is(e, diskret::Errc::permission_denied)) {
      reply(554, "5.7.1", "Message refused: " + detail_or(e.detail, "not allowed"));
    } else if (is_temporary(e) || e.code.category() != smtp_category()) {
      reply(451, "4.3.0", "Temporary failure storing the message; please try again later");
    } else {
      reply(554, "5.6.0", "Message refused: " + detail_or(e.detail, e.code.message()));
    }
  }
  reset_transaction();
  return pump();
}

Output SmtpSession::on_timeout() {
  if (!closed_) close_with(421, "4.4.2", config_.hostname + " Timeout: closing connection");
  return std::exchange(out_, {});
}

Output SmtpSession::on_shutdown() {
  if (!closed_)
    close_with(421, "4.3.2", config_.hostname + " Service shutting down, please try again later");
  return std::exchange(out_, {});
}

void SmtpSession::reply(int code, std::string_view enhanced, std::string_view text) {
  if (enhanced.empty()) {
    out_.replies += fmt::format("{} ", code);
  } else {
    out_.replies += fmt::format("{} {} ", code, enhanced);
  }
  // Texts may quote the client (a parameter name) or the backend: a CR, LF or other control
  // character there would end the reply early and desynchronise the client.
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out_.replies += u < 0x20 || u == 0x7f ? '?' : c;
  }
  out_.replies += "\r\n";
}

void SmtpSession::refuse(int code, std::string_view enhanced, std::string_view text) {
  reply(code, enhanced, text);
  if (++errors_ >= config_.max_errors)
    close_with(421, "4.7.0", "Too many errors, closing connection");
}

void SmtpSession::close_with(int code, std::string_view enhanced, std::string_view text) {
  reply(code, enhanced, text);
  out_.close = true;
  closed_ = true;
}

void SmtpSession::reset_transaction() {
  transaction_.reset();
  std::string().swap(message_);  // the message is personal data: do not keep it around
}

}  // namespace diskret::smtp
