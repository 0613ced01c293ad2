#pragma once
// A webhook receiver for tests: http::Server on 127.0.0.1:0 that records requests and
// answers with a settable status, or holds the answers back.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "http/server.hpp"

namespace diskret::inbound::testing {

class Receiver {
 public:
  explicit Receiver(int status = 204, bool hold = false)
      : status_(status),
        hold_(hold),
        server_(config(),
                [this](http::Request&& r, http::Respond respond) {
                  std::lock_guard lock(mutex_);
                  requests_.push_back(std::move(r));
                  if (hold_) {
                    held_.push_back(std::move(respond));
                  } else {
                    respond(http::Response{status_, "text/plain", {}, body()});
                  }
                  arrived_.notify_all();
                }) {
    EXPECT_TRUE(server_.start());
  }
  ~Receiver() {
    release();
    server_.stop();
  }
  std::uint16_t port() const { return server_.port(); }
  std::string url(std::string_view path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port()) + std::string(path);
  }
  void set_status(int status) { status_ = status; }
  void release() {
    std::lock_guard lock(mutex_);
    for (auto& r : held_) r(http::Response{200, "text/plain", {}, ""});
    held_.clear();
  }
  /// Waits until at least `n` requests arrived.
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }
  bool wait_for_request(std::chrono::milliseconds timeout) { return wait_for(1, timeout); }
  std::vector<http::Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  void stop() { server_.stop(); }

 private:
  // Named fields: ServerConfig grows.
  static http::ServerConfig config() {
    http::ServerConfig c;
    c.listen = "127.0.0.1:0";
    c.max_body_bytes = 1 << 20;
    c.max_header_bytes = 16 << 10;
    c.read_timeout = std::chrono::seconds(5);
    c.idle_timeout = std::chrono::seconds(5);
    c.shutdown_grace = std::chrono::milliseconds(200);
    return c;
  }
  std::string body() const { return status_ == 204 ? "" : "ok"; }  // 204 has no body

  std::atomic<int> status_;
  bool hold_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<http::Request> requests_;
  std::vector<http::Respond> held_;
  http::Server server_;
};

}  // namespace diskret::inbound::testing
