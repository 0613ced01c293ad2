// paced_post: POST /v1/messages at a constant rate and report the latency of each request
// from the moment it was due, not from when a connection was free to send it (as wrk2
// does: a server that stalls cannot hide its stall by slowing the client down, the
// "coordinated omission" of closed-loop generators such as wrk with delay()).
//
//   paced_post --port P --key K [--host 127.0.0.1] [--rate 5000] [--duration 10]
//              [--warmup 2] [--connections 256] [--dest-base 4917000000000]
//              [--progress 1] [--dump FILE]
//
// Prints one JSON line: requests answered in the measured window, the rate reached,
// p50/p90/p99/p99.9/max latency in ms, non-2xx answers and connection errors. --progress 1
// prints sent/answered/backlog every second to stderr; --dump writes "due_us latency_us"
// per measured request (to find periodic stalls). One thread, epoll, keep-alive;
// requests wait for a free connection (their wait counts) when all are busy. Each goes to
// its own mobile number (+4917...: a range the pumping guard does not hold). Loopback
// benchmarking tool, not part of the product.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Nanos = std::chrono::nanoseconds;

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string key;
  double rate = 5000;
  double duration_s = 10;
  double warmup_s = 2;
  int connections = 256;
  std::uint64_t dest_base = 4917000000000ULL;
  bool progress = false;
  std::string dump;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "paced_post: %s\n", why);
  std::fprintf(stderr,
               "usage: paced_post --port P --key K [--host H] [--rate R] [--duration S] "
               "[--warmup S] [--connections N] [--dest-base N] [--progress 1] [--dump FILE]\n");
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) usage("every option takes a value");
    const char* value = argv[++i];
    if (arg == "--host") o.host = value;
    else if (arg == "--port") o.port = std::atoi(value);
    else if (arg == "--key") o.key = value;
    else if (arg == "--rate") o.rate = std::atof(value);
    else if (arg == "--duration") o.duration_s = std::atof(value);
    else if (arg == "--warmup") o.warmup_s = std::atof(value);
    else if (arg == "--connections") o.connections = std::atoi(value);
    else if (arg == "--dest-base") o.dest_base = std::strtoull(value, nullptr, 10);
    else if (arg == "--progress") o.progress = std::string_view(value) == "1";
    else if (arg == "--dump") o.dump = value;
    else usage("unknown option");
  }
  if (o.port <= 0 || o.key.empty()) usage("--port and --key are required");
  if (o.rate <= 0 || o.duration_s <= 0 || o.warmup_s < 0 || o.connections <= 0) {
    usage("--rate, --duration and --connections must be positive");
  }
  return o;
}

struct Connection {
  int fd = -1;
  bool busy = false;
  Clock::time_point due;  // when the request on it was due
  bool measured = false;  // due inside the measured window
  std::string out;
  std::size_t sent = 0;
  std::string in;
};

class Generator {
 public:
  explicit Generator(Options o) : o_(std::move(o)), conns_(static_cast<std::size_t>(o_.connections)) {}

  int run() {
    epoll_ = epoll_create1(0);
    if (epoll_ < 0) return fail("epoll_create1");
    if (!o_.dump.empty()) {
      dump_ = std::fopen(o_.dump.c_str(), "w");
      if (!dump_) return fail("--dump");
    }
    for (std::size_t i = 0; i < conns_.size(); ++i) {
      if (!open(i)) return fail("connect");
    }
    const auto start = Clock::now();
    const auto interval = Nanos(static_cast<std::int64_t>(1e9 / o_.rate));
    const auto measure_from = start + Nanos(static_cast<std::int64_t>(o_.warmup_s * 1e9));
    const auto stop_sending = measure_from + Nanos(static_cast<std::int64_t>(o_.duration_s * 1e9));
    auto next_due = start;
    std::vector<epoll_event> events(conns_.size());
    auto next_trace = start + std::chrono::seconds(1);
    for (;;) {
      auto now = Clock::now();
      if (o_.progress && now >= next_trace) {
        std::fprintf(stderr, "t=%.1f sent=%llu answered=%zu backlog=%zu idle=%zu\n",
                     std::chrono::duration<double>(now - start).count(),
                     static_cast<unsigned long long>(sequence_), answered_, backlog_.size(), idle_.size());
        next_trace += std::chrono::seconds(1);
      }
      while (next_due <= now && next_due < stop_sending) {
        backlog_.push_back(next_due);
        next_due += interval;
      }
      while (!backlog_.empty() && !idle_.empty()) {
        const std::size_t c = idle_.back();
        idle_.pop_back();
        const bool measured = backlog_.front() >= measure_from;
        measured_sent_ += measured ? 1 : 0;
        send(c, backlog_.front(), measured);
        backlog_.pop_front();
      }
      if (next_due >= stop_sending && backlog_.empty() && idle_.size() == conns_.size()) break;
      // Wait for an answer or the next due request, whichever comes first.
      timespec timeout{0, 0};
      if (next_due < stop_sending && backlog_.empty()) {
        const auto wait = std::max(Nanos(0), std::chrono::duration_cast<Nanos>(next_due - now));
        timeout.tv_sec = static_cast<time_t>(wait.count() / 1'000'000'000);
        timeout.tv_nsec = static_cast<long>(wait.count() % 1'000'000'000);
      } else {
        timeout.tv_sec = 1;  // waiting for answers only
      }
      const int n = epoll_pwait2(epoll_, events.data(), static_cast<int>(events.size()), &timeout, nullptr);
      if (n < 0 && errno != EINTR) return fail("epoll_pwait2");
      for (int i = 0; i < n; ++i) on_event(events[static_cast<std::size_t>(i)]);
      if (Clock::now() > stop_sending + std::chrono::seconds(30)) break;  // answers stopped coming
    }
    if (dump_) std::fclose(dump_);
    // The rate reached: measured answers over the time from the window's start to the
    // last of them (longer than the window when the server fell behind).
    const double span_s = std::max(o_.duration_s, std::chrono::duration<double>(last_answer_ - measure_from).count());
    report(span_s);
    return 0;
  }

 private:
  int fail(const char* what) {
    std::fprintf(stderr, "paced_post: %s: %s\n", what, std::strerror(errno));
    return 1;
  }

  bool open(std::size_t c) {
    Connection& conn = conns_[c];
    if (conn.fd >= 0) {
      epoll_ctl(epoll_, EPOLL_CTL_DEL, conn.fd, nullptr);
      ::close(conn.fd);
    }
    conn = Connection{};
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(o_.port));
    if (inet_pton(AF_INET, o_.host.c_str(), &addr.sin_addr) != 1) return false;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return false;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    conn.fd = fd;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = c;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
    idle_.push_back(c);
    return true;
  }

  void send(std::size_t c, Clock::time_point due, bool measured) {
    Connection& conn = conns_[c];
    ++sequence_;
    const std::string body = "{\"to\":\"+" + std::to_string(o_.dest_base + sequence_) +
                             "\",\"text\":\"paced " + std::to_string(sequence_) +
                             "\",\"from\":\"Bench\",\"category\":\"transactional\"}";
    conn.out = "POST /v1/messages HTTP/1.1\r\nHost: " + o_.host +
               "\r\nContent-Type: application/json\r\nAuthorization: Bearer " + o_.key +
               "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    conn.sent = 0;
    conn.in.clear();
    conn.busy = true;
    conn.due = due;
    conn.measured = measured;
    write_some(c);
  }

  // The sockets block on writes (a request is a few hundred bytes); reads never wait.
  void write_some(std::size_t c) {
    Connection& conn = conns_[c];
    while (conn.sent < conn.out.size()) {
      const ssize_t n = ::write(conn.fd, conn.out.data() + conn.sent, conn.out.size() - conn.sent);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return broken(c);
      conn.sent += static_cast<std::size_t>(n);
    }
  }

  void on_event(const epoll_event& ev) {
    const std::size_t c = ev.data.u64;
    Connection& conn = conns_[c];
    char buf[16384];
    for (;;) {
      const ssize_t n = ::recv(conn.fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) {
        conn.in.append(buf, static_cast<std::size_t>(n));
        if (n < static_cast<ssize_t>(sizeof buf)) break;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        break;
      } else {
        return broken(c);
      }
    }
    if (conn.busy) complete(c);
  }

  // One whole response in conn.in? Then it is recorded and the connection is free again.
  void complete(std::size_t c) {
    Connection& conn = conns_[c];
    const std::size_t head_end = conn.in.find("\r\n\r\n");
    if (head_end == std::string::npos) return;
    std::size_t length = 0;
    std::string head = conn.in.substr(0, head_end);
    std::transform(head.begin(), head.end(), head.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (const auto at = head.find("content-length:"); at != std::string::npos) {
      length = std::strtoull(head.c_str() + at + 15, nullptr, 10);
    }
    if (conn.in.size() < head_end + 4 + length) return;
    const bool ok = conn.in.size() > 12 && conn.in.compare(0, 9, "HTTP/1.1 ") == 0 && conn.in[9] == '2';
    const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - conn.due);
    if (conn.measured) {
      last_answer_ = Clock::now();
      latencies_us_.push_back(latency.count());
      if (dump_) {
        const auto due = std::chrono::duration_cast<std::chrono::microseconds>(conn.due.time_since_epoch());
        std::fprintf(dump_, "%lld %lld\n", static_cast<long long>(due.count()),
                     static_cast<long long>(latency.count()));
      }
      if (!ok) ++non_2xx_;
    }
    ++answered_;
    conn.busy = false;
    conn.in.erase(0, head_end + 4 + length);
    idle_.push_back(c);
  }

  void broken(std::size_t c) {
    if (conns_[c].busy && conns_[c].measured) ++connection_errors_;
    idle_.erase(std::remove(idle_.begin(), idle_.end(), c), idle_.end());
    if (!open(c)) {
      std::fprintf(stderr, "paced_post: reconnecting failed: %s\n", std::strerror(errno));
      std::exit(1);
    }
  }

  void report(double span_s) {
    std::sort(latencies_us_.begin(), latencies_us_.end());
    const auto at = [&](double q) {
      if (latencies_us_.empty()) return 0.0;
      const auto i = std::min(latencies_us_.size() - 1,
                              static_cast<std::size_t>(q * static_cast<double>(latencies_us_.size())));
      return static_cast<double>(latencies_us_[i]) / 1000.0;
    };
    std::printf(
        "{\"target_rate\":%.0f,\"requests\":%zu,\"unanswered\":%llu,\"duration_s\":%.1f,\"rate\":%.1f,"
        "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,"
        "\"non_2xx\":%zu,\"connection_errors\":%zu}\n",
        o_.rate, latencies_us_.size(),
        static_cast<unsigned long long>(measured_sent_ - latencies_us_.size() - connection_errors_),
        o_.duration_s, static_cast<double>(latencies_us_.size()) / span_s, at(0.5), at(0.9), at(0.99),
        at(0.999), latencies_us_.empty() ? 0.0 : static_cast<double>(latencies_us_.back()) / 1000.0,
        non_2xx_, connection_errors_);
  }

  Options o_;
  int epoll_ = -1;
  std::vector<Connection> conns_;
  std::vector<std::size_t> idle_;
  std::deque<Clock::time_point> backlog_;  // due, not yet sent: no connection was free
  std::uint64_t sequence_ = 0;
  std::uint64_t measured_sent_ = 0;
  Clock::time_point last_answer_{};
  std::vector<std::int64_t> latencies_us_;
  std::size_t answered_ = 0;
  std::FILE* dump_ = nullptr;
  std::size_t non_2xx_ = 0;
  std::size_t connection_errors_ = 0;
};

}  // namespace

int main(int argc, char** argv) { return Generator(parse(argc, argv)).run(); }
