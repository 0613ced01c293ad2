#pragma once
/// ControlServer: the simulator's small HTTP/1.1 control endpoint. It only carries
/// requests to a handler on the simulator's I/O thread; what the paths mean is the
/// simulator's business. Beast stays inside control_server.cpp.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "smsc_sim/config.hpp"

namespace boost::asio {
class io_context;
}

namespace diskret::smsc_sim {

struct ControlRequest {
  std::string method;        ///< "GET", "POST", ...
  std::string path;          ///< without the query
  std::string query;         ///< raw, without '?'
  std::string content_type;
  std::string body;
};

struct ControlResponse {
  unsigned status = 200;
  std::string body;          ///< JSON
};

using ControlHandler = std::function<ControlResponse(const ControlRequest&)>;

class ControlServer {
 public:
  ControlServer(boost::asio::io_context& io, ControlHandler handler);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  /// Binds and starts accepting; returns the bound port (useful with port 0). Throws
  /// std::runtime_error with the system's reason when the address cannot be bound.
  std::uint16_t listen(const HostPort& at);
  /// Stops accepting and closes open connections. Call on the I/O thread.
  void close();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace diskret::smsc_sim
