// libFuzzer target for SmtpSession: arbitrary bytes from a client, in chunks.
// Properties checked (a violation traps):
//   * every reply is a list of well-formed lines "ddd<sp|->text\r\n" with no stray CR/LF;
//   * the session never buffers much more than one line (a limit plus one read);
//   * a delivered envelope respects the recipient and size limits;
//   * nothing is written after the session said it closes;
//   * feeding the same bytes whole or in chunks gives the same replies (unless STARTTLS,
//     which legitimately drops pipelined input, happened).
// The first input byte picks the chunk size and the configuration.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "smtp/smtp_session.hpp"

namespace {

using namespace diskret;
using namespace diskret::smtp;

class PermissiveBackend : public Backend {
 public:
  Expected<TenantRef> authenticate(std::string_view user, std::string_view password) override {
    if (user == "tn_x" && password == "k") return TenantRef{"tn_x", false};
    if (user == "down") return fail(Errc::unavailable);
    return fail(Errc::permission_denied);
  }
  Expected<TenantRef> tenant_for_sender(std::string_view address, std::string_view) override {
    if (address == "a@b.c") return TenantRef{"tn_x", true};
    return fail(Errc::not_found);
  }
  Expected<void> check_recipient(const TenantRef&, std::string_view number) override {
    if (number.size() > 8 && number[8] == '9') return fail(Errc::invalid_argument, "bad\r\nnumber");
    if (number.size() > 8 && number[8] == '8') return fail(Errc::unavailable);
    return {};
  }
  void submit(Submission&&, Done done) override { done({}); }
};

void check_replies(std::string_view replies) {
  while (!replies.empty()) {
    auto end = replies.find("\r\n");
    if (end == std::string_view::npos) __builtin_trap();
    std::string_view line = replies.substr(0, end);
    if (line.size() < 4 || line[0] < '2' || line[0] > '5' || (line[3] != ' ' && line[3] != '-'))
      __builtin_trap();
    if (line.find_first_of("\r\n") != std::string_view::npos) __builtin_trap();
    replies.remove_prefix(end + 2);
  }
}

struct Run {
  std::string replies;
  bool tls = false;
};

Run drive(const SessionConfig& config, std::string_view input, std::size_t chunk) {
  PermissiveBackend backend;
  SmtpSession session(config, backend);
  Run run;
  bool closed = false;
  int deliveries = 0;
  auto handle = [&](Output out) {
    for (;;) {
      check_replies(out.replies);
      if (closed && !out.replies.empty()) __builtin_trap();
      run.replies += out.replies;
      if (out.close) closed = true;
      if (out.deliver) {
        if (out.deliver->recipients.empty() ||
            out.deliver->recipients.size() > config.max_recipients)
          __builtin_trap();
        if (out.deliver->message.size() > config.max_message_bytes) __builtin_trap();
        Expected<void> result;
        if (++deliveries % 3 == 0) result = fail(Errc::unavailable);
        out = session.on_delivered(result);
        continue;
      }
      if (out.start_tls) {
        run.tls = true;
        out = session.on_tls_started();
        continue;
      }
      return;
    }
  };
  handle(session.greet());
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    handle(session.feed(input.substr(at, chunk)));
    // Complete lines are always consumed; a partial line over its limit is dropped.
    if (session.buffered() > config.max_auth_line) __builtin_trap();
  }
  handle(session.on_timeout());
  return run;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t control = data[0];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  SessionConfig config;
  config.sms_domain = "sms.test";
  config.max_message_bytes = 2048;
  config.max_recipients = 4;
  config.max_command_line = 64 + (control & 0x3f);
  config.max_text_line = 80;
  config.max_auth_line = 256;
  config.tls_available = control & 0x40;
  config.auth_requires_tls = control & 0x80;
  const std::size_t chunk = (control % 13) + 1;
  Run whole = drive(config, input, input.size() + 1);
  Run pieces = drive(config, input, chunk);
  if (!whole.tls && !pieces.tls && whole.replies != pieces.replies) __builtin_trap();
  return 0;
}
