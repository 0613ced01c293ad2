#pragma once
/// BindLink: one transceiver bind to a carrier, for the life of the pool: connect, bind,
/// keep a window of submit_sm in flight (TPS-limited, paused when throttled), answer
/// deliver_sm, and reconnect with backoff when the connection dies. Internal to the
/// carrier module; runs on the pool's I/O thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "carrier/backoff.hpp"
#include "carrier/outbound_queue.hpp"
#include "carrier/token_bucket.hpp"
#include "smpp/session.hpp"

namespace diskret::carrier {

class PoolCore;

class BindLink {
 public:
  BindLink(PoolCore& core, std::size_t carrier, unsigned index);
  ~BindLink();
  BindLink(const BindLink&) = delete;
  BindLink& operator=(const BindLink&) = delete;

  void spawn();       ///< starts the connect/bind loop and the pacing timer
  void begin_stop();  ///< unbinds (or abandons a connect) and ends the loops
  /// Sends queued parts while the window, the TPS limit and any pause allow.
  void pump();
  /// This bind's TPS limit becomes tps / nodes (several nodes share the carrier's limit).
  void set_tps_share(std::size_t nodes);

  std::size_t carrier() const noexcept { return carrier_; }
  unsigned index() const noexcept { return index_; }
  const std::string& name() const noexcept { return name_; }
  bool bound() const noexcept { return bound_flag_.load(std::memory_order_relaxed); }
  std::size_t in_flight() const noexcept { return in_flight_flag_.load(std::memory_order_relaxed); }

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;

  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> waker();
  boost::asio::awaitable<std::shared_ptr<smpp::Session>> connect_and_bind();
  /// The TLS handshake on a connected socket (when the carrier is configured with tls).
  boost::asio::awaitable<std::shared_ptr<smpp::Session>> secure(boost::asio::ip::tcp::socket socket,
                                                                smpp::SessionOptions options,
                                                                std::string& why);
  boost::asio::awaitable<void> serve();
  boost::asio::awaitable<void> unbind(std::shared_ptr<smpp::Session> session);
  void on_closed(std::error_code why);
  void on_request(smpp::Pdu&& pdu);
  void on_submit_response(std::uint32_t slot, std::error_code ec, smpp::Pdu&& pdu);
  void after_verdict(Verdict v);
  void arm_wake(SteadyTime at);
  void publish_in_flight();

  PoolCore& core_;
  std::size_t carrier_;
  unsigned index_;
  std::string name_;  // "carrier-a#1" in logs
  Backoff backoff_;
  TokenBucket bucket_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer wake_timer_;
  boost::asio::steady_timer closed_signal_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket* connecting_ = nullptr;
  std::unique_ptr<boost::asio::ssl::context> tls_;  // with [[smsc]] tls = true
  std::string tls_error_;                           // why tls_ could not be set up
  std::shared_ptr<smpp::Session> session_;
  bool bound_ = false;
  SteadyTime paused_until_{};
  std::vector<Ticket> slots_;               // submit_sm in flight, by slot
  std::vector<std::uint32_t> free_slots_;
  std::vector<Ticket> lost_;                // collected while the session closes
  smpp::Pdu scratch_;                       // reused for every submit_sm
  std::atomic<bool> bound_flag_{false};
  std::atomic<std::size_t> in_flight_flag_{0};
};

}  // namespace diskret::carrier
