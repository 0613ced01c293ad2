#pragma once
/// SmscSession: one ESME connection to the simulator. Reads and decodes PDUs, answers
/// binds, submits, enquire_link and unbind following the FaultPlan, and sends
/// deliver_sm (receipts, MOs). All PDUs queued while a write is in progress go out in the
/// next single write. Internal to smsc_sim (includes Asio).
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "smpp/pdu.hpp"
#include "smpp/pdu_codec.hpp"
#include "smsc_sim/deliver_router.hpp"
#include "smsc_sim/smsc_core.hpp"
#include "smsc_sim/stats.hpp"

namespace diskret::smsc_sim {

class SmscSession final : public DeliverSink, public std::enable_shared_from_this<SmscSession> {
 public:
  using Socket = boost::asio::ip::tcp::socket;

  SmscSession(Socket socket, SmscCore& core);
  SmscSession(const SmscSession&) = delete;
  SmscSession& operator=(const SmscSession&) = delete;

  /// Registers with the core and starts the read and write loops.
  void start();
  /// Resets the connection now (control endpoint /kick, shutdown).
  void kick();
  SessionInfo info() const;

  // DeliverSink
  std::uint64_t session_id() const noexcept override { return id_; }
  const std::string& bound_system_id() const noexcept override { return system_id_; }
  void send_deliver(Outbound&& item) override;

 private:
  enum class Mode : std::uint8_t { unbound, transmitter, receiver, transceiver };
  enum class CloseHow : std::uint8_t { graceful, reset };

  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  boost::asio::awaitable<void> delayed_ack_loop();

  void on_frame(std::span<const std::uint8_t> frame);
  template <class Resp>
  void on_bind(const smpp::Pdu& pdu, const smpp::BindBody& bind, Mode mode);
  void on_submit(const smpp::Pdu& pdu, const smpp::SubmitSm& submit);
  void on_deliver_resp(const smpp::Pdu& pdu);
  void schedule_receipt(const smpp::SubmitSm& submit, std::string_view message_id,
                        std::int64_t now_ms);
  void respond_submit(std::uint32_t sequence, smpp::Status status, std::string_view message_id);

  void queue(const smpp::Pdu& pdu);
  void wake_writer() noexcept;
  void close_after_flush(CloseHow how);
  void finish();

  bool can_send_submits() const noexcept {
    return mode_ == Mode::transmitter || mode_ == Mode::transceiver;
  }
  bool can_receive() const noexcept {
    return mode_ == Mode::receiver || mode_ == Mode::transceiver;
  }

  struct DelayedAck {
    std::chrono::steady_clock::time_point due;
    std::vector<std::uint8_t> bytes;
  };

  Socket socket_;
  SmscCore& core_;
  std::uint64_t id_;
  smpp::PduFramer framer_;
  std::vector<std::uint8_t> read_buffer_;
  std::vector<std::uint8_t> out_;      // PDUs queued since the current write started
  std::vector<std::uint8_t> writing_;  // the bytes of the write in progress
  boost::asio::steady_timer writer_wake_;
  boost::asio::steady_timer drained_;  // the reader waits here while out_ is too full
  boost::asio::steady_timer ack_timer_;
  std::deque<DelayedAck> delayed_acks_;
  std::unordered_map<std::uint32_t, Outbound> outstanding_;  // deliver_sm by sequence
  Mode mode_ = Mode::unbound;
  std::string system_id_;
  std::uint64_t submits_ = 0;
  std::uint32_t sequence_ = 0;
  bool closing_ = false;   // no more reading; close once out_ is written
  bool reset_ = false;     // close with RST instead of FIN
  bool finished_ = false;
  bool ack_loop_running_ = false;
  bool in_router_ = false;
};

}  // namespace diskret::smsc_sim
