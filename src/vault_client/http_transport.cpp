#include "vault_client/http_transport.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cctype>
#include <charconv>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "vault_client/errc.hpp"

namespace diskret::vault_client {
namespace {

using Deadline = std::chrono::steady_clock::time_point;
constexpr std::size_t kMaxReply = 4 * 1024 * 1024;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto la = static_cast<char>(std::tolower(static_cast<unsigned char>(a[i])));
    auto lb = static_cast<char>(std::tolower(static_cast<unsigned char>(b[i])));
    if (la != lb) return false;
  }
  return true;
}

class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  Socket(Socket&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

int remaining_ms(Deadline deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits for `events`; false on timeout or poll error.
bool wait_for(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int rc = ::poll(&p, 1, remaining_ms(deadline));
    if (rc < 0 && errno == EINTR) continue;
    return rc > 0;
  }
}

unexpected<Error> unreachable(const BaseUrl& base, std::string_view what) {
  return fail(Errc::unreachable, fmt::format("vault {}:{}: {}", base.host, base.port, what));
}

Expected<Socket> connect_to(const BaseUrl& base, Deadline deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  auto port = std::to_string(base.port);
  if (int rc = ::getaddrinfo(base.host.c_str(), port.c_str(), &hints, &list); rc != 0) {
    return unreachable(base, std::string("cannot resolve: ") + ::gai_strerror(rc));
  }
  std::string last = "no address";
  for (auto* ai = list; ai != nullptr; ai = ai->ai_next) {
    Socket s(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
    if (s.get() < 0) continue;
    int rc = ::connect(s.get(), ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno != EINPROGRESS) {
      last = std::strerror(errno);
      continue;
    }
    if (rc != 0) {
      if (!wait_for(s.get(), POLLOUT, deadline)) {
        last = "connect timed out";
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        last = std::strerror(err);
        continue;
      }
    }
    ::freeaddrinfo(list);
    return s;
  }
  ::freeaddrinfo(list);
  return unreachable(base, "cannot connect: " + last);
}

Expected<void> send_all(const BaseUrl& base, int fd, std::string_view bytes, Deadline deadline) {
  while (!bytes.empty()) {
    auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait_for(fd, POLLOUT, deadline)) continue;
    return unreachable(base, n < 0 && errno != EAGAIN ? std::strerror(errno) : "send timed out");
  }
  return {};
}

// Parses the head; returns the header end offset and fills status/headers.
Expected<std::size_t> parse_head(std::string_view raw, HttpReply& reply) {
  auto end = raw.find("\r\n\r\n");
  if (end == std::string_view::npos) return std::size_t{0};
  std::string_view head = raw.substr(0, end);
  auto line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1.") {
    return fail(Errc::protocol, "the vault's answer has no HTTP status line");
  }
  auto code = status_line.substr(9, 3);
  auto [p, ec] = std::from_chars(code.data(), code.data() + 3, reply.status);
  if (ec != std::errc{}) return fail(Errc::protocol, "the vault's status code is not a number");
  head.remove_prefix(line_end == std::string_view::npos ? head.size() : line_end + 2);
  while (!head.empty()) {
    auto eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    head.remove_prefix(eol == std::string_view::npos ? head.size() : eol + 2);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    reply.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return end + 4;
}

}  // namespace

std::string_view HttpReply::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

Expected<BaseUrl> parse_base_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return fail(diskret::Errc::invalid_argument,
                fmt::format("vault url \"{}\" must start with http://", url));
  }
  BaseUrl out;
  std::string_view rest = url.substr(kScheme.size());
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    out.path_prefix = std::string(path);
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return fail(diskret::Errc::invalid_argument, "vault url: unclosed [");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return fail(diskret::Errc::invalid_argument, "vault url has no host");
  out.host = std::string(host);
  if (!port.empty()) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || p != port.data() + port.size() || value == 0 || value > 65535) {
      return fail(diskret::Errc::invalid_argument, fmt::format("vault url \"{}\": bad port", url));
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  out.origin = std::string(kScheme) + std::string(authority);
  return out;
}

Expected<HttpReply> http_request(const BaseUrl& base, std::string_view method,
                                 std::string_view target, const HeaderList& headers,
                                 std::string_view body, std::chrono::milliseconds timeout) {
  const Deadline deadline = std::chrono::steady_clock::now() + timeout;
  auto sock = connect_to(base, deadline);
  if (!sock) return unexpected(sock.error());

  std::string request = fmt::format("{} {}{} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", method,
                                    base.path_prefix, target, base.origin.substr(7));
  for (const auto& [k, v] : headers) request += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    request += fmt::format("Content-Type: application/json\r\nContent-Length: {}\r\n", body.size());
  }
  request += "\r\n";
  request.append(body);
  if (auto sent = send_all(base, sock->get(), request, deadline); !sent) return unexpected(sent.error());

  HttpReply reply;
  std::string raw;
  std::size_t body_start = 0;
  std::optional<std::size_t> length;
  char chunk[16384];
  for (;;) {
    if (body_start > 0 && length && raw.size() >= body_start + *length) break;
    auto n = ::recv(sock->get(), chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_for(sock->get(), POLLIN, deadline)) return unreachable(base, "no answer in time");
      continue;
    }
    if (n < 0) return unreachable(base, std::strerror(errno));
    if (n == 0) break;  // the vault closed: whatever came is the whole answer
    raw.append(chunk, static_cast<std::size_t>(n));
    if (raw.size() > kMaxReply) return fail(Errc::protocol, "the vault's answer is too large");
    if (body_start == 0) {
      auto head = parse_head(raw, reply);
      if (!head) return unexpected(head.error());
      body_start = *head;
      if (body_start > 0) {
        if (!reply.header("Transfer-Encoding").empty()) {
          return fail(Errc::protocol, "the vault sent a chunked answer");
        }
        auto cl = reply.header("Content-Length");
        std::size_t v = 0;
        if (!cl.empty()) {
          auto [p, ec] = std::from_chars(cl.data(), cl.data() + cl.size(), v);
          if (ec != std::errc{}) return fail(Errc::protocol, "bad Content-Length from the vault");
          length = v;
        }
      }
    }
  }
  if (body_start == 0) return fail(Errc::protocol, "the vault closed the connection without an answer");
  if (length && raw.size() < body_start + *length) {
    return fail(Errc::protocol, "the vault's answer was cut short");
  }
  reply.body = raw.substr(body_start, length.value_or(raw.size() - body_start));
  return reply;
}

}  // namespace diskret::vault_client
