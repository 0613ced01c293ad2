#pragma once
/// Session: one SMPP 3.4 connection over TCP or TLS, shared by the client (carrier), the server
/// (smpp_server) and the simulator. It frames and decodes incoming PDUs, coalesces all
/// queued outgoing PDUs into one write, numbers requests, matches responses to requests,
/// answers enquire_link/unbind itself, sends enquire_link while the link is idle and
/// closes the connection when a request gets no response in time.
///
/// Asio is part of this interface: include it only from I/O modules (DEPS smpp_session).
/// A Session is single-threaded: call it only from its socket's executor.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <unordered_map>
#include <variant>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/expected.hpp"
#include "smpp/pdu.hpp"
#include "smpp/pdu_codec.hpp"

namespace diskret::smpp {

/// Why a session ended (besides socket errors, which are reported as they are).
enum class SessionErrc {
  ok = 0,
  closed,            ///< close() was called
  peer_unbound,      ///< the peer sent unbind (answered with unbind_resp)
  response_timeout,  ///< a request got no response within response_timeout
  framing_error,     ///< impossible command_length: the stream cannot be resynchronised
  peer_closed,       ///< end of stream
};
const std::error_category& session_category() noexcept;
inline std::error_code make_error_code(SessionErrc e) noexcept {
  return {static_cast<int>(e), session_category()};
}

}  // namespace diskret::smpp

template <>
struct std::is_error_code_enum<diskret::smpp::SessionErrc> : std::true_type {};

namespace diskret::smpp {

struct SessionOptions {
  std::string name = "smpp";  ///< used in log lines ("carrier-a#1"); no personal data
  std::size_t max_pdu_length = kDefaultMaxPduLength;
  /// enquire_link is sent after this long without receiving anything; 0 = never.
  std::chrono::milliseconds enquire_link_interval{30'000};
  /// A request without response after this long closes the session (response_timeout).
  std::chrono::milliseconds response_timeout{10'000};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  /// A TLS connection whose handshake is complete (the owner does it, with its timeout).
  using TlsSocket = boost::asio::ssl::stream<Socket>;
  /// The response (a *_resp or a generic_nack carrying the request's sequence number), or
  /// an error when the session closed first (the Pdu is then empty).
  using ResponseHandler = std::function<void(std::error_code, Pdu&&)>;
  /// A request from the peer other than enquire_link and unbind; answer with respond().
  using RequestHandler = std::function<void(Pdu&&)>;
  /// Called once when the session ends, after every outstanding ResponseHandler got its error.
  using CloseHandler = std::function<void(std::error_code)>;

  static std::shared_ptr<Session> create(Socket socket, SessionOptions options);
  static std::shared_ptr<Session> create(TlsSocket stream, SessionOptions options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Starts reading, writing and the keep-alive timer. Nothing is read before this.
  void start(RequestHandler on_request, CloseHandler on_close);

  /// Queues a request: assigns `pdu.sequence_number`, encodes it into the send buffer at
  /// once (so `pdu` may be reused by the caller) and remembers `on_response`. Returns the
  /// sequence number, or 0 when the session is closed (on_response is then not called).
  std::uint32_t send_request(Pdu& pdu, ResponseHandler on_response);
  /// The same as an awaitable: the response PDU, or the error that closed the session.
  boost::asio::awaitable<Expected<Pdu, std::error_code>> request(Body body);
  /// Queues a response to the peer's request `sequence_number`.
  void respond(std::uint32_t sequence_number, Status status, Body body);
  /// Queues any PDU as it is (its sequence number untouched).
  void send(const Pdu& pdu);

  /// Sends unbind, waits up to `wait` for unbind_resp, then closes (SessionErrc::closed).
  boost::asio::awaitable<void> unbind(std::chrono::milliseconds wait);
  /// Closes now: outstanding requests fail with `why`, then the CloseHandler runs.
  void close(std::error_code why = SessionErrc::closed);
  /// Closes once everything queued so far has been written.
  void close_after_flush(std::error_code why);

  bool is_open() const noexcept { return open_; }
  std::size_t outstanding() const noexcept { return outstanding_.size(); }
  std::size_t queued_bytes() const noexcept { return out_.size(); }
  const std::string& name() const noexcept { return options_.name; }
  bool is_tls() const noexcept { return std::holds_alternative<TlsSocket>(stream_); }
  Socket::executor_type get_executor() noexcept { return socket().get_executor(); }

 private:
  using Stream = std::variant<Socket, TlsSocket>;
  Session(Stream stream, SessionOptions options);
  Socket& socket() noexcept;

  struct Outstanding {
    ResponseHandler handler;
    std::chrono::steady_clock::time_point deadline;
  };

  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  boost::asio::awaitable<void> keepalive_loop();
  void on_frame(std::vector<std::uint8_t>&& frame);
  void on_pdu(Pdu&& pdu);
  void on_response(Pdu&& pdu);
  void wake_writer();
  void fail(std::error_code why);
  std::uint32_t next_sequence() noexcept;

  Stream stream_;
  SessionOptions options_;
  PduFramer framer_;
  RequestHandler on_request_;
  CloseHandler on_close_;
  std::vector<std::uint8_t> out_;    // PDUs queued since the last write started
  std::vector<std::uint8_t> wbuf_;   // the bytes of the write in progress
  boost::asio::steady_timer writer_wake_;
  boost::asio::steady_timer keepalive_timer_;
  std::unordered_map<std::uint32_t, Outstanding> outstanding_;
  std::chrono::steady_clock::time_point last_rx_;
  std::chrono::steady_clock::time_point close_deadline_;
  std::uint32_t sequence_ = 0;
  std::uint32_t enquire_seq_ = 0;  // our enquire_link awaiting its response, 0 if none
  bool open_ = true;
  bool started_ = false;
  bool writer_idle_ = false;
  bool in_request_handler_ = false;
  bool close_when_flushed_ = false;
  std::error_code close_reason_;
};

}  // namespace diskret::smpp

