#include "smpp_test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace diskret::smsc_sim::test {
namespace {

int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

bool send_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::send(fd, p, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

SmppTestClient::SmppTestClient(std::uint16_t port) : fd_(connect_to(port)) {}

SmppTestClient::~SmppTestClient() {
  if (fd_ >= 0) ::close(fd_);
}

void SmppTestClient::send(const smpp::Pdu& pdu) { send_raw(smpp::encode(pdu)); }

void SmppTestClient::send_raw(const std::vector<std::uint8_t>& bytes) {
  if (!send_all(fd_, bytes.data(), bytes.size())) closed_ = true;
}

bool SmppTestClient::fill(std::chrono::milliseconds timeout) {
  if (closed_ || fd_ < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return false;
  std::uint8_t buf[16384];
  const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
  if (n <= 0) {
    closed_ = true;
    reset_ = n < 0 && errno == ECONNRESET;
    return false;
  }
  framer_.feed({buf, static_cast<std::size_t>(n)});
  return true;
}

std::optional<smpp::Pdu> SmppTestClient::receive(std::chrono::milliseconds timeout) {
  if (!delivers_.empty()) {
    smpp::Pdu pdu = std::move(delivers_.front());
    delivers_.pop_front();
    return pdu;
  }
  return receive_wire(timeout);
}

std::optional<smpp::Pdu> SmppTestClient::receive_wire(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto frame = framer_.next();
    if (!frame) throw std::runtime_error("framing error from the simulator");
    if (*frame) {
      auto pdu = smpp::decode(**frame);
      if (!pdu) throw std::runtime_error("undecodable PDU from the simulator: " + pdu.error().detail);
      return std::move(*pdu);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !fill(left)) return std::nullopt;
  }
}

std::optional<smpp::Pdu> SmppTestClient::call(smpp::Body body, std::chrono::milliseconds timeout) {
  const std::uint32_t seq = next_sequence();
  send({0, seq, std::move(body)});
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto pdu = receive_wire(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
    if (!pdu) break;
    if (pdu->sequence_number == seq && smpp::is_response(smpp::command_id(pdu->body))) return pdu;
    delivers_.push_back(std::move(*pdu));  // a deliver_sm that came first
  }
  return std::nullopt;
}

std::optional<smpp::Pdu> SmppTestClient::next_deliver(std::chrono::milliseconds timeout,
                                                      std::optional<std::uint32_t> answer) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto pdu = receive(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
    if (!pdu) return std::nullopt;
    if (!std::holds_alternative<smpp::DeliverSm>(pdu->body)) continue;
    if (answer) send({*answer, pdu->sequence_number, smpp::DeliverSmResp{}});
    return pdu;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> SmppTestClient::bind(smpp::CommandId kind, const std::string& system_id,
                                                  const std::string& password) {
  smpp::BindBody b;
  b.system_id = system_id;
  b.password = password;
  smpp::Body body;
  if (kind == smpp::CommandId::bind_transmitter) body = smpp::BindTransmitter{b};
  else if (kind == smpp::CommandId::bind_receiver) body = smpp::BindReceiver{b};
  else body = smpp::BindTransceiver{b};
  auto resp = call(std::move(body));
  if (!resp) return std::nullopt;
  return resp->command_status;
}

bool SmppTestClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_ && std::chrono::steady_clock::now() < deadline) {
    if (!fill(std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()))) {
      continue;
    }
  }
  return closed_;
}

HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body, const std::string& content_type) {
  const int fd = connect_to(port);
  if (fd < 0) return {};
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                        "Connection: close\r\nContent-Type: " + content_type +
                        "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  HttpResult result;
  if (send_all(fd, request.data(), request.size())) {
    std::string response;
    char buf[8192];
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) break;
      const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      response.append(buf, static_cast<std::size_t>(n));
    }
    if (response.rfind("HTTP/1.1 ", 0) == 0) {
      result.status = std::stoi(response.substr(9, 3));
      const auto split = response.find("\r\n\r\n");
      if (split != std::string::npos) result.body = response.substr(split + 4);
    }
  }
  ::close(fd);
  return result;
}

smpp::SubmitSm make_submit(std::string destination, std::string text,
                           std::uint8_t registered_delivery) {
  smpp::SubmitSm s;
  s.source_addr_ton = 5;
  s.source_addr = "Diskret";
  s.dest_addr_ton = 1;
  s.dest_addr_npi = 1;
  s.destination_addr = std::move(destination);
  s.registered_delivery = registered_delivery;
  s.short_message = std::move(text);
  return s;
}

}  // namespace diskret::smsc_sim::test
