#include "http/server.hpp"

#include <array>
#include <atomic>
#include <future>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/thread_name.hpp"
#include "http/problem.hpp"
#include "http/request_id.hpp"
#include "http/response_head.hpp"
#include "io/tls.hpp"

namespace diskret::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

/// "host:port" / "[v6]:port" -> endpoint.
Expected<tcp::endpoint> parse_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) {
    return fail(Errc::invalid_argument, "listen address '" + listen + "' is not host:port");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  for (char c : listen.substr(colon + 1)) {
    if (c < '0' || c > '9' || (port = port * 10 + unsigned(c - '0')) > 65535) {
      return fail(Errc::invalid_argument, "listen address '" + listen + "' has a bad port");
    }
  }
  if (host == "localhost") host = "127.0.0.1";
  error_code ec;
  auto address = asio::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
  if (ec) return fail(Errc::invalid_argument, "listen address '" + listen + "': bad host");
  return tcp::endpoint(address, static_cast<std::uint16_t>(port));
}

/// What stop() and the replies need of a connection, whatever its stream.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual bool busy() const = 0;
  virtual void cancel() = 0;
  /// Runs on the I/O thread: hands the handler's response to the waiting coroutine.
  virtual void deliver(Response&& response) = 0;
};

/// Everything the connections share. Owned by shared_ptr so that a Respond called after
/// the server stopped still finds a live io_context to post to (its handler is then
/// simply destroyed). `io` is declared after the registry and before the acceptor so the
/// acceptor closes first and coroutine frames die while the registry still exists.
struct Core : std::enable_shared_from_this<Core> {
  ServerConfig config;
  Handler handler;
  std::unordered_set<SessionBase*> sessions;
  std::unordered_map<std::string, std::size_t> per_ip;  ///< open connections per address
  bool stopping = false;
  RequestIds ids;
  asio::ssl::context tls{asio::ssl::context::tls_server};
  asio::io_context io{1};
  std::optional<tcp::acceptor> acceptor;
  std::optional<tcp::acceptor> tls_acceptor;

  Core(ServerConfig c, Handler h) : config(std::move(c)), handler(std::move(h)) {}
};

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

/// One connection; Stream is beast::tcp_stream or TlsStream (handshake done by run()).
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Core& core, tcp::socket socket) : core_(core), stream_(make(core, std::move(socket))), wake_(core.io) {}

  bool busy() const override { return busy_; }
  void cancel() override { lowest().cancel(); }
  void deliver(Response&& response) override {
    response_ = std::move(response);
    wake_.cancel();
  }

  asio::awaitable<void> run();

 private:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  static Stream make(Core& core, tcp::socket socket) {
    if constexpr (kTls) {
      return Stream(beast::tcp_stream(std::move(socket)), core.tls);
    } else {
      (void)core;
      return Stream(std::move(socket));
    }
  }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  asio::awaitable<bool> read_request(bhttp::request_parser<bhttp::string_body>& parser);
  asio::awaitable<void> answer_and_close(Response&& response);
  Request to_request(bhttp::request<bhttp::string_body>&& req);
  asio::awaitable<error_code> write_response(Response&& response, std::string_view request_id,
                                             bool keep_alive);
  void close_gracefully();
  bool is_upload(beast::string_view target) const {
    const auto path = target.substr(0, target.find('?'));
    for (const auto& p : core_.config.upload_paths) {
      if (path == beast::string_view(p.data(), p.size())) return true;
    }
    return false;
  }

  Core& core_;
  Stream stream_;
  beast::flat_buffer buffer_;
  asio::steady_timer wake_;
  std::optional<Response> response_;
  std::string remote_ip_;
  bool busy_ = false;
};

/// Shared by all copies of one request's Respond. Member order matters: the session is
/// released before the core (whose io_context the session's socket belongs to).
struct ReplySlot {
  std::shared_ptr<Core> core;
  std::shared_ptr<SessionBase> session;
  std::atomic<bool> used{false};
};

template <class Stream>
Request Session<Stream>::to_request(bhttp::request<bhttp::string_body>&& req) {
  Request r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  std::string_view target = r.target;
  auto q = target.find('?');
  if (!percent_decode(target.substr(0, q), r.path, false)) r.path.clear();
  if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
  r.headers.reserve(std::distance(req.begin(), req.end()));
  for (const auto& field : req) {
    r.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  r.body = std::move(req.body());
  r.remote_ip = remote_ip_;
  r.request_id = core_.ids.assign(r.header("X-Request-Id"));
  return r;
}

template <class Stream>
asio::awaitable<error_code> Session<Stream>::write_response(Response&& response,
                                                     std::string_view request_id, bool keep_alive) {
  // One gather write of our own head and the body: Beast's field container and serializer
  // cost more per response than the whole rest of a small request.
  std::string head = serialize_head(response, request_id, keep_alive);
  std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(response.body)};
  lowest().expires_after(core_.config.read_timeout);
  auto [ec, n] = co_await asio::async_write(stream_, buffers, kTuple);
  co_return ec;
}

/// Reads one request. Answers 100-continue when asked; returns false when the connection
/// must end (the error answer, if any, is already written).
template <class Stream>
asio::awaitable<bool> Session<Stream>::read_request(bhttp::request_parser<bhttp::string_body>& parser) {
  parser.header_limit(static_cast<std::uint32_t>(core_.config.max_header_bytes));
  // Beast checks Content-Length against the limit while it parses the header, so the
  // larger upload limit goes first and the path's own limit is applied once it is known.
  parser.body_limit(std::max(core_.config.max_body_bytes, core_.config.max_upload_bytes));
  lowest().expires_after(core_.config.read_timeout);
  auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer_, parser, kTuple);
  const std::size_t limit = is_upload(parser.get().target()) ? core_.config.max_upload_bytes
                                                              : core_.config.max_body_bytes;
  if (!ec && parser.content_length() && *parser.content_length() > limit) {
    ec = bhttp::error::body_limit;
  } else if (!ec) {
    parser.body_limit(limit);  // chunked bodies are counted as they arrive
  }
  if (!ec && !parser.is_done()) {
    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      auto [wec, wn] = co_await asio::async_write(stream_, asio::buffer(kContinue), kTuple);
      if (wec) co_return false;
    }
    std::tie(ec, n) = co_await bhttp::async_read(stream_, buffer_, parser, kTuple);
  }
  if (!ec) co_return true;
  if (ec == bhttp::error::body_limit) {
    co_await answer_and_close(problem(
        413, "payload-too-large", "Payload too large",
        fmt::format("The request body is over the limit of {} bytes.", limit)));
  } else if (ec == bhttp::error::header_limit) {
    co_await answer_and_close(problem(431, "headers-too-large", "Request header fields too large",
                                      "The request headers are over the size limit."));
  } else if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
             ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    co_await answer_and_close(problem(400, "malformed-request", "Malformed HTTP request",
                                      "The request is not valid HTTP/1.1: " + ec.message() + "."));
  }
  co_return false;
}

template <class Stream>
asio::awaitable<void> Session<Stream>::answer_and_close(Response&& response) {
  co_await write_response(std::move(response), core_.ids.assign({}), false);
  // Drain what the client is still sending (e.g. an oversized body) before closing, so
  // the close does not become a reset that destroys our answer in the client's buffers.
  error_code ec;
  lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
  lowest().expires_after(std::chrono::seconds(2));
  std::size_t drained = 0;
  while (drained < 2 * std::max(core_.config.max_body_bytes, core_.config.max_upload_bytes) + 65536) {
    buffer_.clear();
    auto [rec, n] = co_await stream_.async_read_some(buffer_.prepare(65536), kTuple);
    if (rec) break;
    drained += n;
  }
}

template <class Stream>
void Session<Stream>::close_gracefully() {
  error_code ec;
  // No TLS close_notify: HTTP/1.1 frames every message itself, so a truncation cannot
  // pass unnoticed, and a client that stopped reading must not hold the connection.
  lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
  lowest().close();
}

template <class Stream>
asio::awaitable<void> Session<Stream>::run() {
  error_code ec;
  auto remote = lowest().socket().remote_endpoint(ec);
  if (!ec) remote_ip_ = remote.address().to_string();
  if constexpr (kTls) {
    // The handshake is timed like the reading of a request: a silent client goes.
    lowest().expires_after(core_.config.read_timeout);
    auto [hec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, kTuple);
    if (hec) {
      spdlog::debug("http: TLS handshake failed: {}", hec.message());
      close_gracefully();
      co_return;
    }
  }
  while (!core_.stopping) {
    if (buffer_.size() == 0) {
      // Keep-alive idle wait: only the first bytes of the next request are timed by it.
      lowest().expires_after(core_.config.idle_timeout);
      auto [rec, n] = co_await stream_.async_read_some(buffer_.prepare(8192), kTuple);
      if (rec || core_.stopping) break;
      buffer_.commit(n);
    }
    bhttp::request_parser<bhttp::string_body> parser;
    if (!co_await read_request(parser)) break;
    auto req = parser.release();
    bool keep_alive = req.keep_alive();
    Request request = to_request(std::move(req));
    std::string request_id = request.request_id;
    if (request.path.empty()) {
      co_await answer_and_close(problem(400, "malformed-request", "Malformed HTTP request",
                                        "The request target is not a valid path."));
      break;
    }

    busy_ = true;
    response_.reset();
    auto slot = std::make_shared<ReplySlot>();
    slot->session = this->shared_from_this();
    slot->core = core_.shared_from_this();
    Respond respond = [slot](Response&& r) {
      if (slot->used.exchange(true)) return;
      // The server stopped for good (a handler answering after the shutdown grace): nobody
      // writes the answer any more, and a handler posted into the stopped loop would keep
      // the server's memory alive for ever (the loop is the core's).
      if (slot->core->io.stopped()) return;
      auto& session = *slot->session;
      if (slot->core->io.get_executor().running_in_this_thread()) {
        session.deliver(std::move(r));
        return;
      }
      asio::post(slot->core->io, [slot, r = std::move(r)]() mutable {
        slot->session->deliver(std::move(r));
      });
    };
    try {
      core_.handler(std::move(request), respond);
    } catch (const std::exception& e) {
      spdlog::error("http: handler failed for request {}: {}", request_id, e.what());
      respond(problem(500, "internal-error", "Internal error",
                      "The request could not be processed; it is safe to retry."));
    }
    // The handler keeps its own copies. This frame must not hold the slot while it waits:
    // the slot holds the core, whose loop holds this frame (a handler that never answers
    // would keep the whole server in memory).
    respond = nullptr;
    slot.reset();
    while (!response_) {
      wake_.expires_at(asio::steady_timer::time_point::max());
      co_await wake_.async_wait(kTuple);
    }
    keep_alive = keep_alive && !core_.stopping;
    Response response = std::move(*response_);
    response_.reset();
    auto wec = co_await write_response(std::move(response), request_id, keep_alive);
    busy_ = false;
    if (wec || !keep_alive) break;
  }
  close_gracefully();
}

/// Registers the session for stop() while its coroutine runs.
template <class Stream>
asio::awaitable<void> run_session(std::shared_ptr<Session<Stream>> session, Core& core,
                                  std::string ip) {
  core.sessions.insert(session.get());
  struct Unregister {
    Core& core;
    SessionBase* session;
    std::string ip;
    ~Unregister() {
      core.sessions.erase(session);
      if (auto it = core.per_ip.find(ip); it != core.per_ip.end() && --it->second == 0) {
        core.per_ip.erase(it);
      }
    }
  } unregister{core, session.get(), std::move(ip)};
  co_await session->run();
}

/// Over max_connections: a canned 503 instead of a session.
asio::awaitable<void> refuse(tcp::socket socket) {
  static const std::string kBusy = [] {
    std::string body = problem(503, "too-many-connections", "Too many connections",
                               "The server is at its connection limit; retry shortly.")
                           .body;
    return fmt::format(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
        "Retry-After: 1\r\nConnection: close\r\n\r\n{}",
        kProblemContentType, body.size(), body);
  }();
  co_await asio::async_write(socket, asio::buffer(kBusy), kTuple);
  error_code ec;
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

void log_failure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("http: connection task failed: {}", ex.what());
  }
}

template <class Stream>
asio::awaitable<void> accept_loop(Core& core, tcp::acceptor& acceptor) {
  asio::steady_timer pause(core.io);
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kTuple);
    if (core.stopping || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of file descriptors and the like: back off briefly instead of spinning.
      spdlog::warn("http: accept failed: {}", ec.message());
      pause.expires_after(std::chrono::milliseconds(100));
      co_await pause.async_wait(kTuple);
      continue;
    }
    auto remote = socket.remote_endpoint(ec);
    std::string ip = ec ? std::string() : remote.address().to_string();
    std::size_t& from_ip = core.per_ip[ip];
    if (core.sessions.size() >= core.config.max_connections ||
        (core.config.max_connections_per_ip != 0 && from_ip >= core.config.max_connections_per_ip)) {
      if (from_ip == 0) core.per_ip.erase(ip);
      asio::co_spawn(core.io, refuse(std::move(socket)), log_failure);
      continue;
    }
    ++from_ip;
    socket.set_option(tcp::no_delay(true), ec);
    auto session = std::make_shared<Session<Stream>>(core, std::move(socket));
    asio::co_spawn(core.io, run_session<Stream>(std::move(session), core, std::move(ip)), log_failure);
  }
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerConfig config, Handler handler)
      : core(std::make_shared<Core>(std::move(config), std::move(handler))) {}

  std::shared_ptr<Core> core;
  std::thread thread;
  std::promise<void> finished;
  std::uint16_t port = 0;
  std::uint16_t tls_port = 0;
  bool started = false;
};

Server::Server(ServerConfig config, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(handler))) {}

Server::~Server() { stop(); }

static Expected<tcp::acceptor> listen_on(asio::io_context& io, const std::string& listen) {
  auto endpoint = parse_listen(listen);
  if (!endpoint) return unexpected(endpoint.error());
  error_code ec;
  tcp::acceptor acceptor(io);
  acceptor.open(endpoint->protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(*endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(Errc::unavailable, "cannot listen on " + listen + ": " + ec.message());
  return acceptor;
}

Expected<void> Server::start() {
  if (impl_->started) return fail(Errc::invalid_argument, "the HTTP server was already started");
  Core& core = *impl_->core;
  error_code ec;
  if (!core.config.tls_listen.empty()) {
    if (auto ok = io::configure_server(core.tls, core.config.tls, "HTTPS"); !ok) return ok;
    auto acceptor = listen_on(core.io, core.config.tls_listen);
    if (!acceptor) return unexpected(acceptor.error());
    impl_->tls_port = acceptor->local_endpoint(ec).port();
    core.tls_acceptor.emplace(std::move(*acceptor));
  }
  if (!core.config.listen.empty()) {
    auto acceptor = listen_on(core.io, core.config.listen);
    if (!acceptor) return unexpected(acceptor.error());
    impl_->port = acceptor->local_endpoint(ec).port();
    core.acceptor.emplace(std::move(*acceptor));
    asio::co_spawn(core.io, accept_loop<beast::tcp_stream>(core, *core.acceptor), log_failure);
  }
  if (core.tls_acceptor) {
    asio::co_spawn(core.io, accept_loop<TlsStream>(core, *core.tls_acceptor), log_failure);
  }
  impl_->started = true;
  impl_->thread = core::named_thread("http", [&core, &finished = impl_->finished] {
    for (;;) {
      try {
        core.io.run();
        break;
      } catch (const std::exception& e) {
        spdlog::error("http: I/O thread caught: {}", e.what());
      }
    }
    finished.set_value();
  });
  return {};
}

std::uint16_t Server::port() const { return impl_->port; }

std::uint16_t Server::tls_port() const { return impl_->tls_port; }

void Server::stop() {
  if (!impl_->thread.joinable()) return;
  Core& core = *impl_->core;
  asio::post(core.io, [&core] {
    core.stopping = true;
    error_code ec;
    if (core.acceptor) core.acceptor->close(ec);
    if (core.tls_acceptor) core.tls_acceptor->close(ec);
    // Idle or half-read connections end now; those waiting for their handler's answer
    // finish that response (with Connection: close) and end by themselves.
    for (auto* session : core.sessions) {
      if (!session->busy()) session->cancel();
    }
  });
  if (impl_->finished.get_future().wait_for(core.config.shutdown_grace) !=
      std::future_status::ready) {
    spdlog::warn("http: requests still in flight after the shutdown grace period; closing");
    core.io.stop();
  }
  impl_->thread.join();
}

}  // namespace diskret::http
