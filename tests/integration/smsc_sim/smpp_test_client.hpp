#pragma once
/// A small blocking SMPP client and HTTP helper for the simulator's integration tests:
/// plain POSIX sockets plus the smpp codec, so the tests need no Asio.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "smpp/pdu.hpp"
#include "smpp/pdu_codec.hpp"

namespace diskret::smsc_sim::test {

using namespace std::chrono_literals;

class SmppTestClient {
 public:
  explicit SmppTestClient(std::uint16_t port);
  ~SmppTestClient();
  SmppTestClient(const SmppTestClient&) = delete;
  SmppTestClient& operator=(const SmppTestClient&) = delete;

  bool connected() const noexcept { return fd_ >= 0; }
  std::uint32_t next_sequence() noexcept { return ++sequence_; }
  void send(const smpp::Pdu& pdu);
  void send_raw(const std::vector<std::uint8_t>& bytes);

  /// The next PDU (queued deliver_sm first), or nullopt on timeout or when the peer closed.
  std::optional<smpp::Pdu> receive(std::chrono::milliseconds timeout = 3s);
  /// Sends a request and returns its response (same sequence number); deliver_sm PDUs
  /// that arrive meanwhile are kept for next_deliver().
  std::optional<smpp::Pdu> call(smpp::Body body, std::chrono::milliseconds timeout = 3s);
  /// The next deliver_sm; answers it with deliver_sm_resp `status` when asked.
  std::optional<smpp::Pdu> next_deliver(std::chrono::milliseconds timeout = 3s,
                                        std::optional<std::uint32_t> answer = 0u);
  /// Bind status (0 = bound); nullopt when no answer came.
  std::optional<std::uint32_t> bind(smpp::CommandId kind, const std::string& system_id,
                                    const std::string& password);
  /// Waits until the peer closes; true when it did within the timeout.
  bool wait_closed(std::chrono::milliseconds timeout = 3s);
  bool closed() const noexcept { return closed_; }
  bool was_reset() const noexcept { return reset_; }

 private:
  bool fill(std::chrono::milliseconds timeout);
  std::optional<smpp::Pdu> receive_wire(std::chrono::milliseconds timeout);

  int fd_ = -1;
  std::uint32_t sequence_ = 0;
  smpp::PduFramer framer_;
  std::deque<smpp::Pdu> delivers_;
  bool closed_ = false;
  bool reset_ = false;
};

struct HttpResult {
  int status = 0;
  std::string body;
};
/// One HTTP/1.1 request with Connection: close; status 0 when the connection failed.
HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body = {},
                        const std::string& content_type = "application/json");

smpp::SubmitSm make_submit(std::string destination, std::string text,
                           std::uint8_t registered_delivery = 0);

}  // namespace diskret::smsc_sim::test
