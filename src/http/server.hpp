#pragma once
/// HTTP/1.1 server (Beast, Asio C++20 coroutines, one I/O thread) that turns requests into
/// http::Request values for a Handler, over TCP and optionally TLS. Keep-alive, size limits and timeouts, X-Request-Id,
/// security headers, graceful stop. Beast stays inside server.cpp (pimpl).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "io/tls_config.hpp"
#include "http/message.hpp"

namespace diskret::http {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  ///< "host:port" or "[v6]:port"; port 0 = any free
  /// Larger bodies answer 413. 10,000 recipients at ~20 bytes plus a long text fit easily.
  std::size_t max_body_bytes = 2 * 1024 * 1024;
  /// Paths (exact, without query) that take uploads up to max_upload_bytes instead, e.g.
  /// a CSV import of 100,000 contacts (~7 MB). The limit is chosen from the request line.
  std::vector<std::string> upload_paths;
  std::size_t max_upload_bytes = 64 * 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;  ///< larger header blocks answer 431
  std::chrono::milliseconds read_timeout{30'000};   ///< to read one request once it started
  std::chrono::milliseconds idle_timeout{60'000};   ///< keep-alive: wait for the next request
  std::chrono::milliseconds shutdown_grace{10'000}; ///< stop(): wait this long for in-flight work
  std::size_t max_connections = 10'000;  ///< more are answered 503 and closed
  /// Open connections of one client address; more are answered 503 and closed. 0 = no cap.
  std::size_t max_connections_per_ip = 0;
  /// A second listener speaking HTTPS ("" = none), same handler and limits; needs `tls`.
  /// The handshake must finish within read_timeout.
  std::string tls_listen;
  io::TlsServerFiles tls;
};

class Server {
 public:
  /// The handler runs on the I/O thread and must not block; Respond may be called from
  /// any thread, exactly once (later calls are ignored).
  Server(ServerConfig config, Handler handler);
  ~Server();  ///< stops if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and starts the I/O thread. Fails (Errc::unavailable) when the address cannot be
  /// bound, with the reason in the detail.
  Expected<void> start();
  /// The bound port (useful with port 0); 0 before start() or without a plain listener.
  std::uint16_t port() const;
  std::uint16_t tls_port() const;  ///< the HTTPS port; 0 without tls_listen
  /// Graceful: stops accepting, closes idle connections, lets requests in flight get their
  /// response (up to shutdown_grace), then closes everything and joins the thread.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace diskret::http
