#include "smsc_sim/control_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <list>
#include <stdexcept>

namespace diskret::smsc_sim {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxBody = 64 * 1024;
}  // namespace

struct ControlServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, ControlHandler h) : acceptor(io), handler(std::move(h)) {}

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    while (open) {
      auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
      if (ec) {
        if (!open) break;
        continue;
      }
      auto it = connections.emplace(connections.end(), std::move(socket));
      asio::co_spawn(acceptor.get_executor(), serve(it), asio::detached);
    }
  }

  asio::awaitable<void> serve(std::list<tcp::socket>::iterator it) {
    auto self = shared_from_this();
    tcp::socket& stream = *it;
    beast::flat_buffer buffer;
    while (open) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kMaxBody);
      auto [ec, n] = co_await http::async_read(stream, buffer, parser, kUseTuple);
      if (ec) break;
      const auto& req = parser.get();
      const std::string_view target = req.target();
      const std::size_t q = target.find('?');
      ControlRequest request{std::string(req.method_string()),
                             std::string(target.substr(0, q)),
                             q == std::string_view::npos ? std::string{}
                                                         : std::string(target.substr(q + 1)),
                             std::string(req[http::field::content_type]), req.body()};
      ControlResponse answer = handler(request);
      http::response<http::string_body> res{static_cast<http::status>(answer.status),
                                            req.version()};
      res.set(http::field::server, "diskret-smsc");
      res.set(http::field::content_type, "application/json");
      res.keep_alive(req.keep_alive());
      res.body() = std::move(answer.body);
      res.body().push_back('\n');
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(stream, res, kUseTuple);
      if (wec || !res.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.shutdown(tcp::socket::shutdown_both, ignored);
    stream.close(ignored);
    connections.erase(it);
  }

  tcp::acceptor acceptor;
  ControlHandler handler;
  std::list<tcp::socket> connections;
  bool open = true;
};

ControlServer::ControlServer(asio::io_context& io, ControlHandler handler)
    : impl_(std::make_shared<Impl>(io, std::move(handler))) {}

ControlServer::~ControlServer() = default;

std::uint16_t ControlServer::listen(const HostPort& at) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(at.host, ec);
  if (ec) throw std::runtime_error("bad address " + at.host);
  const tcp::endpoint endpoint(address, at.port);
  tcp::acceptor& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) {
    asio::co_spawn(a.get_executor(), impl_->accept_loop(), asio::detached);
    return a.local_endpoint().port();
  }
  throw std::runtime_error(ec.message());
}

void ControlServer::close() {
  impl_->open = false;
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
  for (auto& socket : impl_->connections) socket.close(ignored);
}

}  // namespace diskret::smsc_sim
