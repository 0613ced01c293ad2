#include "smpp/session.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

namespace diskret::smpp {
namespace asio = boost::asio;
using asio::as_tuple;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

class SessionCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "smpp.session"; }
  std::string message(int v) const override {
    switch (static_cast<SessionErrc>(v)) {
      case SessionErrc::ok: return "ok";
      case SessionErrc::closed: return "session closed";
      case SessionErrc::peer_unbound: return "peer unbound";
      case SessionErrc::response_timeout: return "no response within the response timeout";
      case SessionErrc::framing_error: return "invalid command_length, stream out of sync";
      case SessionErrc::peer_closed: return "connection closed by peer";
    }
    return "unknown session error";
  }
};

// co_spawn completion: a coroutine that ends with an exception is a bug; log it instead of
// letting it vanish (detached) or terminate the I/O thread.
struct LogOnError {
  std::string what;
  void operator()(std::exception_ptr e) const {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("{}: coroutine failed: {}", what, ex.what());
    }
  }
};

// Wakes a suspended coroutine from a completion callback: a timer that only expires when
// cancelled (or at `deadline`).
struct Waiter {
  explicit Waiter(const asio::any_io_executor& ex) : timer(ex) {}
  asio::steady_timer timer;
  std::optional<Expected<Pdu, std::error_code>> result;
};

}  // namespace

const std::error_category& session_category() noexcept {
  static const SessionCategory category;
  return category;
}

std::shared_ptr<Session> Session::create(Socket socket, SessionOptions options) {
  return std::shared_ptr<Session>(new Session(Stream(std::move(socket)), std::move(options)));
}

std::shared_ptr<Session> Session::create(TlsSocket stream, SessionOptions options) {
  return std::shared_ptr<Session>(
      new Session(Stream(std::in_place_type<TlsSocket>, std::move(stream)), std::move(options)));
}

Session::Session(Stream stream, SessionOptions options)
    : stream_(std::move(stream)),
      options_(std::move(options)),
      framer_(options_.max_pdu_length),
      writer_wake_(socket().get_executor()),
      keepalive_timer_(socket().get_executor()) {
  writer_wake_.expires_at(Clock::time_point::max());
  out_.reserve(16 * 1024);
  wbuf_.reserve(16 * 1024);
}

Session::~Session() = default;

Session::Socket& Session::socket() noexcept {
  if (auto* tls = std::get_if<TlsSocket>(&stream_)) return tls->next_layer();
  return std::get<Socket>(stream_);
}

void Session::start(RequestHandler on_request, CloseHandler on_close) {
  if (started_) return;
  started_ = true;
  on_request_ = std::move(on_request);
  on_close_ = std::move(on_close);
  last_rx_ = Clock::now();
  if (!open_) return;
  boost::system::error_code ignored;
  socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  auto self = shared_from_this();
  auto ex = socket().get_executor();
  asio::co_spawn(ex, [self]() { return self->read_loop(); }, LogOnError{options_.name + " read"});
  asio::co_spawn(ex, [self]() { return self->write_loop(); }, LogOnError{options_.name + " write"});
  asio::co_spawn(ex, [self]() { return self->keepalive_loop(); },
                 LogOnError{options_.name + " keepalive"});
}

std::uint32_t Session::next_sequence() noexcept {
  sequence_ = sequence_ >= 0x7FFFFFFFu ? 1 : sequence_ + 1;
  return sequence_;
}

std::uint32_t Session::send_request(Pdu& pdu, ResponseHandler on_response) {
  if (!open_ || close_when_flushed_) return 0;
  const auto seq = next_sequence();
  pdu.sequence_number = seq;
  encode_to(pdu, out_);
  outstanding_.insert_or_assign(seq,
                                Outstanding{std::move(on_response), Clock::now() + options_.response_timeout});
  wake_writer();
  return seq;
}

asio::awaitable<Expected<Pdu, std::error_code>> Session::request(Body body) {
  auto waiter = std::make_shared<Waiter>(socket().get_executor());
  waiter->timer.expires_at(Clock::time_point::max());
  Pdu pdu{0, 0, std::move(body)};
  const auto seq = send_request(pdu, [waiter](std::error_code ec, Pdu&& resp) {
    if (ec) {
      waiter->result = unexpected(ec);
    } else {
      waiter->result = std::move(resp);
    }
    waiter->timer.cancel();
  });
  if (seq == 0) co_return unexpected(close_reason_ ? close_reason_ : make_error_code(SessionErrc::closed));
  if (!waiter->result) co_await waiter->timer.async_wait(as_tuple(use_awaitable));
  // Woken without a result only if our own coroutine was cancelled from outside.
  if (!waiter->result) co_return unexpected(std::make_error_code(std::errc::operation_canceled));
  co_return std::move(*waiter->result);
}

void Session::respond(std::uint32_t sequence_number, Status status, Body body) {
  send(Pdu{static_cast<std::uint32_t>(status), sequence_number, std::move(body)});
}

void Session::send(const Pdu& pdu) {
  if (!open_) return;
  encode_to(pdu, out_);
  wake_writer();
}

asio::awaitable<void> Session::unbind(std::chrono::milliseconds wait) {
  if (!open_) co_return;
  auto waiter = std::make_shared<Waiter>(socket().get_executor());
  waiter->timer.expires_after(wait);
  Pdu pdu{0, 0, Unbind{}};
  if (send_request(pdu, [waiter](std::error_code, Pdu&&) { waiter->timer.cancel(); }) != 0) {
    co_await waiter->timer.async_wait(as_tuple(use_awaitable));
  }
  close(SessionErrc::closed);
}

void Session::close(std::error_code why) { fail(why); }

void Session::close_after_flush(std::error_code why) {
  if (!open_ || close_when_flushed_) return;
  if (!started_) return fail(why);
  close_when_flushed_ = true;
  close_reason_ = why;
  close_deadline_ = Clock::now() + options_.response_timeout;
  wake_writer();
}

void Session::wake_writer() {
  if (writer_idle_) {
    writer_idle_ = false;
    writer_wake_.cancel();
  }
}

void Session::fail(std::error_code why) {
  if (!open_) return;
  open_ = false;
  close_reason_ = why;
  auto self = shared_from_this();  // the handlers below may drop the owner's reference
  boost::system::error_code ignored;
  // A TLS close_notify is not awaited here: SMPP ends with unbind/unbind_resp, which is
  // the protocol's own proof that nothing was truncated.
  socket().shutdown(Socket::shutdown_both, ignored);
  socket().close(ignored);
  writer_wake_.cancel();
  keepalive_timer_.cancel();
  spdlog::debug("{}: session closed: {}", options_.name, why.message());

  // Fail outstanding requests in the order they were sent, so that an owner that requeues
  // them keeps their order.
  std::vector<std::pair<std::uint32_t, ResponseHandler>> pending;
  pending.reserve(outstanding_.size());
  for (auto& [seq, o] : outstanding_) pending.emplace_back(seq, std::move(o.handler));
  outstanding_.clear();
  std::sort(pending.begin(), pending.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [seq, handler] : pending) {
    if (handler) handler(why, Pdu{});
  }
  if (on_close_) {
    auto handler = std::move(on_close_);
    on_close_ = nullptr;
    handler(why);
  }
  // Release what the handlers captured (they may hold the owner), unless fail() runs inside
  // the request handler itself: on_pdu() releases it once that returns.
  if (!in_request_handler_) on_request_ = nullptr;
}

asio::awaitable<void> Session::read_loop() {
  std::vector<std::uint8_t> buf(kReadChunk);
  while (open_ && !close_when_flushed_) {
    // Both alternatives return the same awaitable type, so one co_await serves TCP and TLS.
    auto [ec, n] = co_await std::visit(
        [&](auto& s) { return s.async_read_some(asio::buffer(buf), as_tuple(use_awaitable)); },
        stream_);
    if (!open_) co_return;
    if (ec) {
      const bool ended = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
      fail(ended ? make_error_code(SessionErrc::peer_closed) : std::error_code(ec));
      co_return;
    }
    last_rx_ = Clock::now();
    framer_.feed(std::span<const std::uint8_t>(buf.data(), n));
    // Every complete frame of this read is handled before the writer runs again, so the
    // responses and follow-up requests they cause leave in one write.
    while (open_ && !close_when_flushed_) {
      auto frame = framer_.next();
      if (!frame) {
        spdlog::warn("{}: framing error ({}), closing", options_.name, frame.error().detail);
        respond(frame.error().sequence_number, frame.error().status, GenericNack{});
        close_after_flush(SessionErrc::framing_error);
        co_return;
      }
      if (!*frame) break;
      on_frame(std::move(**frame));
    }
  }
}

void Session::on_frame(std::vector<std::uint8_t>&& frame) {
  auto pdu = decode(frame, options_.max_pdu_length);
  if (pdu) return on_pdu(std::move(*pdu));
  const auto& err = pdu.error();
  if (is_response(static_cast<CommandId>(err.command_id))) {
    // A response we cannot read still answers its request: report it as a generic_nack
    // with the decode status rather than waiting for the response timeout.
    spdlog::warn("{}: undecodable response 0x{:08x}: {}", options_.name, err.command_id, err.detail);
    on_response(Pdu{static_cast<std::uint32_t>(err.status), err.sequence_number, GenericNack{}});
    return;
  }
  spdlog::warn("{}: undecodable request 0x{:08x}: {}", options_.name, err.command_id, err.detail);
  respond(err.sequence_number, err.status, GenericNack{});
}

void Session::on_pdu(Pdu&& pdu) {
  const auto id = command_id(pdu.body);
  if (is_response(id)) return on_response(std::move(pdu));
  switch (id) {
    case CommandId::enquire_link:
      respond(pdu.sequence_number, Status::ok, EnquireLinkResp{});
      return;
    case CommandId::unbind:
      respond(pdu.sequence_number, Status::ok, UnbindResp{});
      close_after_flush(SessionErrc::peer_unbound);
      return;
    default:
      if (!open_) return;
      if (on_request_) {
        in_request_handler_ = true;
        on_request_(std::move(pdu));
        in_request_handler_ = false;
        if (!open_) on_request_ = nullptr;
      } else {
        respond(pdu.sequence_number, Status::invalid_command_id, GenericNack{});
      }
  }
}

void Session::on_response(Pdu&& pdu) {
  const auto seq = pdu.sequence_number;
  if (seq == enquire_seq_) enquire_seq_ = 0;
  auto it = outstanding_.find(seq);
  if (it == outstanding_.end()) {
    if (std::holds_alternative<GenericNack>(pdu.body)) {
      spdlog::warn("{}: generic_nack {} for sequence {}", options_.name,
                   status_name(static_cast<Status>(pdu.command_status)), seq);
    } else {
      spdlog::debug("{}: unexpected {} sequence {}", options_.name,
                    command_name(command_id(pdu.body)), seq);
    }
    return;
  }
  auto handler = std::move(it->second.handler);
  outstanding_.erase(it);
  if (handler) handler({}, std::move(pdu));
}

asio::awaitable<void> Session::write_loop() {
  while (open_) {
    if (out_.empty()) {
      if (close_when_flushed_) {
        fail(close_reason_);
        co_return;
      }
      writer_idle_ = true;
      co_await writer_wake_.async_wait(as_tuple(use_awaitable));
      writer_idle_ = false;
      continue;
    }
    wbuf_.swap(out_);
    auto [ec, n] = co_await std::visit(
        [&](auto& s) { return asio::async_write(s, asio::buffer(wbuf_), as_tuple(use_awaitable)); },
        stream_);
    wbuf_.clear();
    if (ec) {
      fail(ec);
      co_return;
    }
  }
}

asio::awaitable<void> Session::keepalive_loop() {
  using std::chrono::milliseconds;
  auto base = options_.response_timeout;
  if (options_.enquire_link_interval.count() > 0) base = std::min(base, options_.enquire_link_interval);
  const auto tick = std::clamp<milliseconds>(base / 4, milliseconds{5}, milliseconds{500});
  while (open_) {
    keepalive_timer_.expires_after(tick);
    co_await keepalive_timer_.async_wait(as_tuple(use_awaitable));
    if (!open_) co_return;
    const auto now = Clock::now();
    for (const auto& [seq, o] : outstanding_) {
      if (o.deadline <= now) {
        spdlog::warn("{}: no response to sequence {} within {} ms, closing", options_.name, seq,
                     options_.response_timeout.count());
        fail(SessionErrc::response_timeout);
        co_return;
      }
    }
    if (close_when_flushed_) {
      // The peer does not read what we still have to say: stop waiting for it.
      if (now >= close_deadline_) fail(close_reason_);
      continue;
    }
    if (options_.enquire_link_interval.count() > 0 && enquire_seq_ == 0 &&
        now - last_rx_ >= options_.enquire_link_interval) {
      Pdu ping{0, 0, EnquireLink{}};
      enquire_seq_ = send_request(ping, [](std::error_code, Pdu&&) {});
    }
  }
}

}  // namespace diskret::smpp
