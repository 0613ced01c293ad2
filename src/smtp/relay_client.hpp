#pragma once
/// RelayClient: sends one mail to the outbound relay ([smtp] relay_host/relay_port) with
/// plain SMTP (EHLO, MAIL FROM, RCPT TO, DATA, QUIT), blocking, with one timeout for the
/// whole exchange. For notifications such as bounces; call it from a worker thread, never
/// from an I/O thread. No Asio in this header.
#include <chrono>
#include <cstdint>
#include <string>

#include "core/expected.hpp"

namespace diskret::smtp {

struct RelayConfig {
  std::string host;  ///< empty: no relay configured, send() fails at once
  std::uint16_t port = 25;
  std::string helo = "localhost";  ///< our name in EHLO
  std::chrono::milliseconds timeout{30'000};
};

class RelayClient {
 public:
  explicit RelayClient(RelayConfig config) : config_(std::move(config)) {}

  /// Sends `message` (headers and body, CRLF line ends) from `envelope_from` (empty: the
  /// null reverse-path "<>", as bounces must use) to `envelope_to`. Errors name the step
  /// and the relay's reply; Errc::unavailable for a temporary failure (4xx, network).
  Expected<void> send(const std::string& envelope_from, const std::string& envelope_to,
                      const std::string& message) const;

 private:
  RelayConfig config_;
};

/// The DATA payload of `message`: lines starting with '.' doubled (RFC 5321 4.5.2), bare
/// LF made CRLF, ending in CRLF.CRLF.
std::string dot_stuff(const std::string& message);

}  // namespace diskret::smtp
