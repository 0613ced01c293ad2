#include "smtp/relay_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <fmt/format.h>

namespace diskret::smtp {
namespace {

using tcp = boost::asio::ip::tcp;

// Reads one (possibly multi-line) reply; its code, or 0 when the stream ended.
int read_reply(tcp::iostream& stream, std::string& text) {
  text.clear();
  std::string line;
  while (std::getline(stream, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    text = line;
    if (line.size() < 3) return 0;
    if (line.size() == 3 || line[3] == ' ') return std::atoi(line.substr(0, 3).c_str());
  }
  return 0;
}

}  // namespace

std::string dot_stuff(const std::string& message) {
  std::string out;
  out.reserve(message.size() + 16);
  bool line_start = true;
  for (std::size_t i = 0; i < message.size(); ++i) {
    const char c = message[i];
    if (line_start && c == '.') out.push_back('.');
    if (c == '\n' && (i == 0 || message[i - 1] != '\r')) out.push_back('\r');
    out.push_back(c);
    line_start = c == '\n';
  }
  if (!line_start) out += "\r\n";
  out += ".\r\n";
  return out;
}

Expected<void> RelayClient::send(const std::string& envelope_from, const std::string& envelope_to,
                                 const std::string& message) const {
  if (config_.host.empty()) return fail(Errc::invalid_argument, "no SMTP relay is configured");
  for (const auto& address : {envelope_from, envelope_to}) {
    if (address.find_first_of("\r\n<>") != std::string::npos) {
      return fail(Errc::invalid_argument, "an envelope address contains < > or a line break");
    }
  }
  tcp::iostream stream;
  stream.expires_after(config_.timeout);
  stream.connect(config_.host, std::to_string(config_.port));
  if (!stream) {
    return fail(Errc::unavailable, fmt::format("cannot connect to the SMTP relay {}:{}: {}",
                                               config_.host, config_.port,
                                               stream.error().message()));
  }
  std::string reply;
  // Each step: what we send (empty: only read the greeting) and the code we expect.
  const auto step = [&](const std::string& command, int expected,
                        const char* what) -> Expected<void> {
    if (!command.empty()) stream << command << std::flush;
    const int code = read_reply(stream, reply);
    if (code == expected || (expected == 250 && code == 251)) return {};
    const auto errc = code >= 400 && code < 500 || code == 0 ? Errc::unavailable
                                                             : Errc::invalid_argument;
    return fail(errc, fmt::format("SMTP relay refused {}: {}", what,
                                  code == 0 ? "connection lost" : reply));
  };
  if (auto ok = step({}, 220, "the connection"); !ok) return ok;
  if (auto ok = step("EHLO " + config_.helo + "\r\n", 250, "EHLO"); !ok) return ok;
  if (auto ok = step("MAIL FROM:<" + envelope_from + ">\r\n", 250, "MAIL FROM"); !ok) return ok;
  if (auto ok = step("RCPT TO:<" + envelope_to + ">\r\n", 250, "RCPT TO"); !ok) return ok;
  if (auto ok = step("DATA\r\n", 354, "DATA"); !ok) return ok;
  if (auto ok = step(dot_stuff(message), 250, "the message"); !ok) return ok;
  stream << "QUIT\r\n" << std::flush;  // the mail is accepted; the answer does not matter
  return {};
}

}  // namespace diskret::smtp
