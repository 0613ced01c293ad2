#include "inbound/webhook_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "core/thread_name.hpp"

namespace diskret::inbound {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

bool header_safe(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

PostOutcome failure(std::string why) {
  PostOutcome out;
  out.error = std::move(why);
  return out;
}

std::string describe(const boost::system::error_code& ec, std::string_view during) {
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted) {
    return std::string(during) + ": timed out";
  }
  return std::string(during) + ": " + ec.message();
}

bool is_public(const asio::ip::address& a) {
  if (a.is_v4()) return is_public_address(a.to_v4().to_bytes());
  return is_public_address(a.to_v6().to_bytes());
}

// Writes the request and reads the status line and headers; the body is not needed.
template <class Stream>
asio::awaitable<PostOutcome> exchange(Stream& stream, bhttp::request<bhttp::string_body>& req) {
  auto [wec, written] = co_await bhttp::async_write(stream, req, kTuple);
  if (wec) co_return failure(describe(wec, "sending"));
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::empty_body> parser;
  parser.header_limit(16 * 1024);
  auto [rec, read] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
  if (rec) co_return failure(describe(rec, "reading the response"));
  PostOutcome out;
  out.status = static_cast<int>(parser.get().result_int());
  co_return out;
}

}  // namespace

class WebhookClient::Impl {
 public:
  explicit Impl(WebhookClientConfig c) : config(std::move(c)) {}

  WebhookClientConfig config;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  std::mutex mutex;
  bool running = false;
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, std::function<void(PostOutcome)>> in_flight;
  // Declared last: destroying the context destroys coroutine frames left after stop(),
  // which may still refer to the members above.
  asio::io_context io{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;

  asio::awaitable<PostOutcome> attempt(const WebhookTarget& t,
                                       bhttp::request<bhttp::string_body>& req) {
    const auto deadline = Clock::now() + config.timeout;
    auto ex = co_await asio::this_coro::executor;

    // The resolver has no deadline of its own: a timer cancels it. Shared, because the
    // timer's handler may run after this frame moved on.
    auto resolver = std::make_shared<tcp::resolver>(ex);
    asio::steady_timer guard(ex, deadline);
    guard.async_wait([resolver](boost::system::error_code ec) {
      if (!ec) resolver->cancel();
    });
    auto [rec, results] = co_await resolver->async_resolve(t.host, std::to_string(t.port), kTuple);
    guard.cancel();
    if (rec) co_return failure(describe(rec, "resolving the host"));
    std::vector<tcp::endpoint> endpoints;
    for (const auto& r : results) {
      if (config.private_hosts == PrivateHosts::allow || is_public(r.endpoint().address())) {
        endpoints.push_back(r.endpoint());
      }
    }
    if (endpoints.empty()) co_return failure("the host resolves to no public address");

    beast::tcp_stream stream(ex);
    stream.expires_at(deadline);
    auto [cec, endpoint] = co_await stream.async_connect(endpoints, kTuple);
    if (cec) co_return failure(describe(cec, "connecting"));
    if (!t.tls) co_return co_await exchange(stream, req);

    beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), tls);
    boost::system::error_code parse_ec;
    asio::ip::make_address(t.host, parse_ec);
    // SNI only for names (RFC 6066 forbids literal addresses); verification for both.
    if (parse_ec && !SSL_set_tlsext_host_name(secure.native_handle(), t.host.c_str())) {
      co_return failure("TLS: cannot set the server name");
    }
    secure.set_verify_mode(asio::ssl::verify_peer);
    secure.set_verify_callback(asio::ssl::host_name_verification(t.host));
    beast::get_lowest_layer(secure).expires_at(deadline);
    auto [hec] = co_await secure.async_handshake(asio::ssl::stream_base::client, kTuple);
    if (hec) co_return failure(describe(hec, "TLS handshake"));
    co_return co_await exchange(secure, req);
  }

  asio::awaitable<void> run(std::uint64_t id, WebhookTarget target, HeaderPairs headers,
                            std::string body) {
    const auto started = Clock::now();
    PostOutcome out;
    try {
      bhttp::request<bhttp::string_body> req{bhttp::verb::post, target.target, 11};
      req.set(bhttp::field::host, target.host_header);
      req.set(bhttp::field::user_agent, config.user_agent);
      req.set(bhttp::field::content_type, "application/json");
      req.set(bhttp::field::connection, "close");
      for (auto& [name, value] : headers) req.set(name, value);
      req.body() = std::move(body);
      req.prepare_payload();
      out = co_await attempt(target, req);
    } catch (const std::exception& e) {
      out = failure(std::string("internal error: ") + e.what());
    }
    out.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    finish(id, std::move(out));
  }

  void finish(std::uint64_t id, PostOutcome&& out) {
    std::function<void(PostOutcome)> done;
    {
      std::lock_guard lock(mutex);
      auto it = in_flight.find(id);
      if (it == in_flight.end()) return;  // stop() answered it already
      done = std::move(it->second);
      in_flight.erase(it);
    }
    done(std::move(out));
  }
};

WebhookClient::WebhookClient(WebhookClientConfig config)
    : impl_(std::make_unique<Impl>(std::move(config))) {}

WebhookClient::~WebhookClient() { stop(); }

Expected<void> WebhookClient::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->running) return {};
  boost::system::error_code ec;
  impl_->tls.set_default_verify_paths(ec);
  if (ec)
    return fail(diskret::Errc::unavailable,
                "TLS: cannot load the system trust store: " + ec.message());
  if (!impl_->config.ca_file.empty()) {
    impl_->tls.load_verify_file(impl_->config.ca_file, ec);
    if (ec)
      return fail(diskret::Errc::unavailable, "TLS: cannot load the CA file: " + ec.message());
  }
  impl_->tls.set_verify_mode(asio::ssl::verify_peer);
  impl_->io.restart();
  impl_->work.emplace(impl_->io.get_executor());
  impl_->running = true;
  impl_->thread = core::named_thread("webhook-http", [impl = impl_.get()] { impl->io.run(); });
  return {};
}

void WebhookClient::post(WebhookTarget target, HeaderPairs headers, std::string body,
                         std::function<void(PostOutcome)> done) {
  bool safe = header_safe(target.host_header) && header_safe(target.target);
  for (const auto& [name, value] : headers) safe = safe && header_safe(name) && header_safe(value);
  if (!safe) return done(failure("refused: a header would contain CR, LF or NUL"));
  std::uint64_t id = 0;
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->running) {
      PostOutcome out = failure("the webhook client is not running");
      out.cancelled = true;
      return done(std::move(out));
    }
    id = ++impl_->next_id;
    impl_->in_flight.emplace(id, std::move(done));
  }
  asio::co_spawn(impl_->io, impl_->run(id, std::move(target), std::move(headers), std::move(body)),
                 asio::detached);
}

void WebhookClient::stop() {
  std::unordered_map<std::uint64_t, std::function<void(PostOutcome)>> left;
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->running) return;
    impl_->running = false;
    impl_->work.reset();
  }
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  {
    std::lock_guard lock(impl_->mutex);
    left.swap(impl_->in_flight);
  }
  for (auto& [id, done] : left) {
    PostOutcome out = failure("stopped before an answer came");
    out.cancelled = true;
    done(std::move(out));
  }
}

}  // namespace diskret::inbound
