#pragma once
// A blocking HTTP/1.1 client on a raw socket: tests see exactly the bytes on the wire.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace diskret::test {

struct RawResponse {
  int status = 0;
  std::string head;  ///< status line and headers
  std::string body;
  /// Case-insensitive header value, empty when absent.
  std::string header(std::string_view name) const {
    std::string lower_head = lower(head);
    auto key = "\r\n" + lower(std::string(name)) + ":";
    auto p = lower_head.find(key);
    if (p == std::string::npos) return {};
    p += key.size();
    auto end = head.find("\r\n", p);
    std::string v = head.substr(p, end - p);
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    return v;
  }
  static std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
};

class RawClient {
 public:
  explicit RawClient(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    int one = 1;
    if (fd_ >= 0) ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }

  /// Writes everything; false when the peer closed (EPIPE/ECONNRESET).
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  /// Reads one response (Content-Length bodies); nullopt on close or after `timeout_ms`.
  std::optional<RawResponse> read_response(int timeout_ms = 5000) {
    for (;;) {
      auto end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        RawResponse r;
        r.head = buffer_.substr(0, end);
        r.status = std::stoi(r.head.substr(9, 3));
        std::string cl = r.header("Content-Length");
        std::size_t length = cl.empty() ? 0 : std::stoul(cl);
        if (buffer_.size() >= end + 4 + length) {
          r.body = buffer_.substr(end + 4, length);
          buffer_.erase(0, end + 4 + length);
          return r;
        }
      }
      if (!fill(timeout_ms)) return std::nullopt;
    }
  }

  /// True when the server closed the connection (EOF) within `timeout_ms`.
  bool closed_by_peer(int timeout_ms = 5000) {
    while (fill(timeout_ms)) {
    }
    return eof_;
  }

  std::optional<RawResponse> request(std::string_view raw) {
    if (!send(raw)) return std::nullopt;
    return read_response();
  }

 private:
  bool fill(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char chunk[16384];
    auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

inline std::string get(std::string_view path, std::string_view extra_headers = "") {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

inline std::string post(std::string_view path, std::string_view body,
                        std::string_view extra_headers = "") {
  return "POST " + std::string(path) + " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n" + std::string(extra_headers) +
         "\r\n" + std::string(body);
}

}  // namespace diskret::test
