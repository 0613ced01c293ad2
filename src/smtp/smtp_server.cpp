#include "smtp/smtp_server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <optional>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/thread_name.hpp"
#include "io/tls.hpp"
#include "smtp/delivery.hpp"

namespace diskret::smtp {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kFarewellTimeout = std::chrono::seconds(5);  // to write a final 421

Expected<tcp::endpoint> parse_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) {
    return fail(Errc::invalid_argument, "listen address '" + listen + "' is not host:port");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
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

class Connection;

/// What the connections share; shared_ptr so that a Backend::Done arriving after stop()
/// still posts to a live io_context (the handler is then destroyed unrun).
struct Core : std::enable_shared_from_this<Core> {
  SmtpServerConfig config;
  Backend& backend;
  ssl::context tls{ssl::context::tls_server};
  std::unordered_set<Connection*> connections;
  std::unordered_map<std::string, std::size_t> per_ip;  ///< open connections per address
  bool stopping = false;
  asio::io_context io{1};
  std::optional<tcp::acceptor> acceptor;

  Core(SmtpServerConfig c, Backend& b) : config(std::move(c)), backend(b) {}
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Core& core, tcp::socket socket, std::string client_ip)
      : core_(core),
        stream_(std::move(socket), core.tls),
        deadline_(core.io),
        wake_(core.io),
        session_(core.config.session, core.backend, std::move(client_ip)) {}

  /// stop(): a connection waiting for the client is interrupted (and says 421 4.3.2).
  void interrupt() {
    if (!reading_) return;
    error_code ec;
    socket().cancel(ec);
  }

  asio::awaitable<void> run();

 private:
  tcp::socket& socket() { return stream_.next_layer(); }
  /// Starts the watchdog for the next operation. Reads are also capped by the session's end;
  /// writes are not, so that the answer to a mail already stored is not cut off.
  void arm(std::chrono::milliseconds timeout, bool capped) {
    timed_out_ = false;
    const auto at = Clock::now() + timeout;
    deadline_.expires_at(capped ? std::min(at, session_end_) : at);
  }
  asio::awaitable<void> watchdog();
  asio::awaitable<bool> perform(Output out);
  asio::awaitable<bool> write(const std::string& bytes);
  asio::awaitable<Expected<void>> deliver(Envelope&& envelope);
  void close();

  Core& core_;
  ssl::stream<tcp::socket> stream_;
  asio::steady_timer deadline_;  ///< the watchdog cancels socket operations at expiry
  asio::steady_timer wake_;      ///< woken when the backend reports a delivery
  SmtpSession session_;
  Clock::time_point session_end_;
  std::optional<Expected<void>> delivered_;
  std::uint64_t delivery_generation_ = 0;
  bool tls_ = false;
  bool reading_ = false;
  bool timed_out_ = false;
};

asio::awaitable<void> Connection::watchdog() {
  auto self = shared_from_this();
  while (socket().is_open()) {
    co_await deadline_.async_wait(kTuple);
    if (deadline_.expiry() <= Clock::now()) {
      timed_out_ = true;
      error_code ec;
      socket().cancel(ec);
      deadline_.expires_at(Clock::time_point::max());
    }
  }
}

asio::awaitable<bool> Connection::write(const std::string& bytes) {
  if (bytes.empty()) co_return true;
  // (g++ 12 mishandles temporaries inside co_await expressions: keep them in named locals.)
  error_code ec;
  if (tls_) {
    std::tie(ec, std::ignore) = co_await asio::async_write(stream_, asio::buffer(bytes), kTuple);
  } else {
    std::tie(ec, std::ignore) = co_await asio::async_write(socket(), asio::buffer(bytes), kTuple);
  }
  co_return !ec;
}

asio::awaitable<Expected<void>> Connection::deliver(Envelope&& envelope) {
  delivered_.reset();
  const auto generation = ++delivery_generation_;
  std::weak_ptr<Connection> weak = shared_from_this();
  // Done may come from any thread, even before submit() returns: always hop to our thread.
  smtp::deliver(core_.backend, std::move(envelope),
                [weak, core = core_.shared_from_this(), generation](Expected<void> result) {
                  asio::post(core->io, [weak, generation, result = std::move(result)]() mutable {
                    auto self = weak.lock();
                    if (!self || self->delivery_generation_ != generation) return;  // gave up
                    self->delivered_ = std::move(result);
                    self->wake_.cancel();
                  });
                });
  wake_.expires_after(core_.config.delivery_timeout);
  while (!delivered_) {
    auto [ec] = co_await wake_.async_wait(kTuple);
    if (!ec && !delivered_) {
      ++delivery_generation_;
      spdlog::warn("smtp: backend did not confirm a mail within {} ms; answered 451",
                   core_.config.delivery_timeout.count());
      co_return fail(diskret::Errc::unavailable, "the backend did not answer in time");
    }
  }
  co_return std::move(*delivered_);
}

/// Writes the replies and carries out the session's action; false when the connection ends.
asio::awaitable<bool> Connection::perform(Output out) {
  for (;;) {
    arm(core_.config.command_timeout, false);
    if (!co_await write(out.replies)) co_return false;
    if (out.close) co_return false;
    if (out.deliver) {
      Envelope envelope = std::move(*out.deliver);
      out.deliver.reset();
      Expected<void> result = co_await deliver(std::move(envelope));
      out = session_.on_delivered(result);
      continue;
    }
    if (out.start_tls) {
      arm(core_.config.command_timeout, false);
      auto [ec] = co_await stream_.async_handshake(ssl::stream_base::server, kTuple);
      if (ec) {
        spdlog::debug("smtp: TLS handshake failed: {}", ec.message());
        co_return false;
      }
      tls_ = true;
      out = session_.on_tls_started();
      continue;
    }
    co_return true;
  }
}

void Connection::close() {
  error_code ec;
  socket().shutdown(tcp::socket::shutdown_both, ec);
  socket().close(ec);
  deadline_.cancel();
  wake_.cancel();
}

asio::awaitable<void> Connection::run() {
  session_end_ = Clock::now() + core_.config.session_timeout;
  asio::co_spawn(core_.io, watchdog(), asio::detached);
  std::vector<char> buffer(16 * 1024);
  Output greeting = session_.greet();
  bool open = co_await perform(std::move(greeting));
  while (open) {
    if (core_.stopping) {
      deadline_.expires_after(kFarewellTimeout);
      std::string farewell = session_.on_shutdown().replies;
      co_await write(farewell);
      break;
    }
    arm(core_.config.command_timeout, true);
    reading_ = true;
    error_code ec;
    std::size_t n = 0;
    if (tls_) {
      std::tie(ec, n) = co_await stream_.async_read_some(asio::buffer(buffer), kTuple);
    } else {
      std::tie(ec, n) = co_await socket().async_read_some(asio::buffer(buffer), kTuple);
    }
    reading_ = false;
    if (ec) {
      if (timed_out_ || core_.stopping) {
        deadline_.expires_after(kFarewellTimeout);
        std::string farewell =
            (timed_out_ ? session_.on_timeout() : session_.on_shutdown()).replies;
        co_await write(farewell);
      }
      break;
    }
    Output out = session_.feed(std::string_view(buffer.data(), n));
    open = co_await perform(std::move(out));
  }
  if (tls_ && !timed_out_) {
    // close_notify, so that strict TLS clients do not report a truncation attack.
    deadline_.expires_after(kFarewellTimeout);
    co_await stream_.async_shutdown(kTuple);
  }
  close();
}

asio::awaitable<void> run_connection(std::shared_ptr<Connection> connection, Core& core,
                                     std::string ip) {
  core.connections.insert(connection.get());
  struct Unregister {
    Core& core;
    Connection* connection;
    std::string ip;
    ~Unregister() {
      core.connections.erase(connection);
      if (auto it = core.per_ip.find(ip); it != core.per_ip.end() && --it->second == 0) {
        core.per_ip.erase(it);
      }
    }
  } unregister{core, connection.get(), std::move(ip)};
  co_await connection->run();
}

asio::awaitable<void> refuse(tcp::socket socket, std::string reply) {
  co_await asio::async_write(socket, asio::buffer(reply), kTuple);
  error_code ec;
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

void log_failure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("smtp: connection task failed: {}", ex.what());
  }
}

asio::awaitable<void> accept_loop(Core& core) {
  asio::steady_timer pause(core.io);
  for (;;) {
    auto [ec, socket] = co_await core.acceptor->async_accept(kTuple);
    if (core.stopping || !core.acceptor->is_open()) co_return;
    if (ec) {
      // Out of file descriptors and the like: back off briefly instead of spinning.
      spdlog::warn("smtp: accept failed: {}", ec.message());
      pause.expires_after(std::chrono::milliseconds(100));
      co_await pause.async_wait(kTuple);
      continue;
    }
    auto remote = socket.remote_endpoint(ec);
    std::string client_ip = ec ? std::string() : remote.address().to_string();
    std::size_t& from_ip = core.per_ip[client_ip];
    if (core.connections.size() >= core.config.max_connections ||
        (core.config.max_connections_per_ip != 0 && from_ip >= core.config.max_connections_per_ip)) {
      if (from_ip == 0) core.per_ip.erase(client_ip);
      std::string busy =
          fmt::format("421 4.7.0 {} Too many connections, please try again later\r\n",
                      core.config.session.hostname);
      asio::co_spawn(core.io, refuse(std::move(socket), std::move(busy)), log_failure);
      continue;
    }
    ++from_ip;
    socket.set_option(tcp::no_delay(true), ec);
    auto connection = std::make_shared<Connection>(core, std::move(socket), client_ip);
    asio::co_spawn(core.io, run_connection(std::move(connection), core, std::move(client_ip)),
                   log_failure);
  }
}

Expected<void> configure_tls(Core& core) {
  const auto& c = core.config;
  if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
    return fail(Errc::invalid_argument, "STARTTLS needs both a certificate and a key file");
  }
  if (c.tls_cert_file.empty()) return {};
  io::TlsServerFiles files;
  files.cert_file = c.tls_cert_file;
  files.key_file = c.tls_key_file;
  files.min_version = c.tls_min_version;
  if (auto ok = io::configure_server(core.tls, files, "SMTP STARTTLS"); !ok) return ok;
  core.config.session.tls_available = true;
  if (!c.allow_plaintext_auth) core.config.session.auth_requires_tls = true;
  return {};
}

}  // namespace

class SmtpServer::Impl {
 public:
  Impl(SmtpServerConfig config, Backend& backend)
      : core(std::make_shared<Core>(std::move(config), backend)) {}

  std::shared_ptr<Core> core;
  std::thread thread;
  std::promise<void> finished;
  std::uint16_t port = 0;
  bool started = false;
};

SmtpServer::SmtpServer(SmtpServerConfig config, Backend& backend)
    : impl_(std::make_unique<Impl>(std::move(config), backend)) {}

SmtpServer::~SmtpServer() { stop(); }

Expected<void> SmtpServer::start() {
  if (impl_->started) return fail(Errc::invalid_argument, "the SMTP server was already started");
  Core& core = *impl_->core;
  core.config.session.tls_available = false;
  if (auto tls = configure_tls(core); !tls) return tls;
  auto endpoint = parse_listen(core.config.listen);
  if (!endpoint) return unexpected(endpoint.error());
  error_code ec;
  tcp::acceptor acceptor(core.io);
  acceptor.open(endpoint->protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(*endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) impl_->port = acceptor.local_endpoint(ec).port();
  if (ec)
    return fail(Errc::unavailable, "cannot listen on " + core.config.listen + ": " + ec.message());
  core.acceptor.emplace(std::move(acceptor));
  asio::co_spawn(core.io, accept_loop(core), log_failure);
  impl_->started = true;
  impl_->thread = core::named_thread("smtp", [&core, &finished = impl_->finished] {
    for (;;) {
      try {
        core.io.run();
        break;
      } catch (const std::exception& e) {
        spdlog::error("smtp: I/O thread caught: {}", e.what());
      }
    }
    finished.set_value();
  });
  return {};
}

std::uint16_t SmtpServer::port() const { return impl_->port; }

void SmtpServer::stop() {
  if (!impl_->thread.joinable()) return;
  Core& core = *impl_->core;
  asio::post(core.io, [&core] {
    core.stopping = true;
    error_code ec;
    if (core.acceptor) core.acceptor->close(ec);
    for (auto* connection : core.connections) connection->interrupt();
  });
  if (impl_->finished.get_future().wait_for(core.config.shutdown_grace) !=
      std::future_status::ready) {
    spdlog::warn("smtp: connections still busy after the shutdown grace period; closing");
    core.io.stop();
  }
  impl_->thread.join();
}

}  // namespace diskret::smtp
