#include "smsc_sim/smsc_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <exception>
#include <type_traits>
#include <variant>

#include "smsc_sim/receipt_builder.hpp"

namespace diskret::smsc_sim {
namespace asio = boost::asio;
namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunk = 64 * 1024;
// Stop reading while this much waits to be written: a client that submits but does not
// read its responses must not make the simulator's memory grow without bound.
constexpr std::size_t kHighWater = 8u << 20;

void report_exception(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "diskret-smsc: session error: %s\n", ex.what());
  }
}

std::uint32_t status_value(smpp::Status s) noexcept { return static_cast<std::uint32_t>(s); }

}  // namespace

SmscSession::SmscSession(Socket socket, SmscCore& core)
    : socket_(std::move(socket)),
      core_(core),
      id_(core.next_session_id++),
      read_buffer_(kReadChunk),
      writer_wake_(socket_.get_executor()),
      drained_(socket_.get_executor()),
      ack_timer_(socket_.get_executor()) {}

void SmscSession::start() {
  core_.sessions.emplace(id_, this);
  ++core_.counters.connections;
  if (core_.config.verbose) std::fprintf(stderr, "diskret-smsc: session %llu connected\n",
                                         static_cast<unsigned long long>(id_));
  auto self = shared_from_this();
  asio::co_spawn(socket_.get_executor(), [self] { return self->read_loop(); }, report_exception);
  asio::co_spawn(socket_.get_executor(), [self] { return self->write_loop(); }, report_exception);
}

void SmscSession::kick() {
  if (finished_) return;
  close_after_flush(CloseHow::reset);
  out_.clear();
  boost::system::error_code ignored;
  socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  socket_.close(ignored);
}

SessionInfo SmscSession::info() const {
  static constexpr const char* kModes[] = {"unbound", "transmitter", "receiver", "transceiver"};
  return {id_, system_id_, kModes[static_cast<int>(mode_)], submits_, outstanding_.size()};
}

asio::awaitable<void> SmscSession::read_loop() {
  while (!closing_) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(read_buffer_), kUseTuple);
    if (ec) {
      // Peer closed, or we closed the socket: nothing more to answer.
      close_after_flush(CloseHow::graceful);
      break;
    }
    framer_.feed({read_buffer_.data(), n});
    while (!closing_) {
      auto frame = framer_.next();
      if (!frame) {
        // An impossible command_length: the byte stream cannot be resynchronised.
        const smpp::DecodeError& e = frame.error();
        queue({status_value(e.status), e.sequence_number, smpp::GenericNack{}});
        ++core_.counters.generic_nacks_tx;
        close_after_flush(CloseHow::graceful);
        break;
      }
      if (!*frame) break;
      on_frame(**frame);
    }
    wake_writer();
    while (!closing_ && out_.size() > kHighWater) {
      drained_.expires_at(asio::steady_timer::time_point::max());
      co_await drained_.async_wait(kUseTuple);
    }
  }
}

asio::awaitable<void> SmscSession::write_loop() {
  for (;;) {
    if (out_.empty()) {
      if (closing_) break;
      writer_wake_.expires_at(asio::steady_timer::time_point::max());
      co_await writer_wake_.async_wait(kUseTuple);
      continue;
    }
    // Everything queued since the last write goes out in this one.
    writing_.swap(out_);
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(writing_), kUseTuple);
    writing_.clear();
    drained_.cancel();
    if (ec) break;
  }
  boost::system::error_code ignored;
  if (reset_) {
    socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  } else {
    socket_.shutdown(Socket::shutdown_both, ignored);
  }
  socket_.close(ignored);
  finish();
}

asio::awaitable<void> SmscSession::delayed_ack_loop() {
  while (!delayed_acks_.empty() && !closing_) {
    ack_timer_.expires_at(delayed_acks_.front().due);
    co_await ack_timer_.async_wait(kUseTuple);
    if (closing_) break;
    const auto now = std::chrono::steady_clock::now();
    bool released = false;
    while (!delayed_acks_.empty() && delayed_acks_.front().due <= now) {
      const auto& bytes = delayed_acks_.front().bytes;
      out_.insert(out_.end(), bytes.begin(), bytes.end());
      delayed_acks_.pop_front();
      released = true;
    }
    if (released) wake_writer();
  }
  ack_loop_running_ = false;
}

void SmscSession::on_frame(std::span<const std::uint8_t> frame) {
  auto decoded = smpp::decode(frame);
  if (!decoded) {
    const smpp::DecodeError& e = decoded.error();
    queue({status_value(e.status), e.sequence_number, smpp::GenericNack{}});
    ++core_.counters.generic_nacks_tx;
    return;
  }
  const smpp::Pdu& pdu = *decoded;
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, smpp::SubmitSm>) {
          on_submit(pdu, body);
        } else if constexpr (std::is_same_v<T, smpp::DeliverSmResp>) {
          on_deliver_resp(pdu);
        } else if constexpr (std::is_same_v<T, smpp::BindTransmitter>) {
          on_bind<smpp::BindTransmitterResp>(pdu, body, Mode::transmitter);
        } else if constexpr (std::is_same_v<T, smpp::BindReceiver>) {
          on_bind<smpp::BindReceiverResp>(pdu, body, Mode::receiver);
        } else if constexpr (std::is_same_v<T, smpp::BindTransceiver>) {
          on_bind<smpp::BindTransceiverResp>(pdu, body, Mode::transceiver);
        } else if constexpr (std::is_same_v<T, smpp::EnquireLink>) {
          ++core_.counters.enquire_links;
          queue({0, pdu.sequence_number, smpp::EnquireLinkResp{}});
        } else if constexpr (std::is_same_v<T, smpp::Unbind>) {
          ++core_.counters.unbinds;
          queue({0, pdu.sequence_number, smpp::UnbindResp{}});
          close_after_flush(CloseHow::graceful);
        } else if constexpr (std::is_same_v<T, smpp::GenericNack>) {
          // A nack for one of our deliver_sm counts as an error answer: send it again.
          ++core_.counters.generic_nacks_rx;
          on_deliver_resp(pdu);
        } else if constexpr (std::is_same_v<T, smpp::DeliverSm>) {
          // An ESME has no business sending deliver_sm to an SMSC.
          queue({status_value(smpp::Status::invalid_command_id), pdu.sequence_number,
                 smpp::DeliverSmResp{}});
        }
        // Other responses answer nothing we sent: ignore them.
      },
      pdu.body);
}

template <class Resp>
void SmscSession::on_bind(const smpp::Pdu& pdu, const smpp::BindBody& bind, Mode mode) {
  auto reply = [&](smpp::Status status) {
    Resp resp;
    if (status == smpp::Status::ok) resp.system_id = core_.config.server_system_id;
    queue({status_value(status), pdu.sequence_number, std::move(resp)});
  };
  if (mode_ != Mode::unbound) {
    reply(smpp::Status::already_bound);
    return;
  }
  if (core_.faults.refuses_bind(std::chrono::steady_clock::now())) {
    ++core_.counters.binds_refused;
    reply(smpp::Status::bind_failed);
    return;
  }
  const SimulatorConfig& cfg = core_.config;
  if (cfg.system_id != "*" && (bind.system_id != cfg.system_id || bind.password != cfg.password)) {
    ++core_.counters.binds_bad_credentials;
    if (cfg.verbose) std::fprintf(stderr, "diskret-smsc: session %llu bind with wrong credentials\n",
                                  static_cast<unsigned long long>(id_));
    reply(smpp::Status::bind_failed);
    close_after_flush(CloseHow::graceful);
    return;
  }
  mode_ = mode;
  system_id_ = bind.system_id;
  ++core_.counters.binds;
  if (cfg.verbose) std::fprintf(stderr, "diskret-smsc: session %llu bound as %s\n",
                                static_cast<unsigned long long>(id_), info().mode.c_str());
  reply(smpp::Status::ok);
  if (can_receive()) {
    in_router_ = true;
    core_.router.add_receiver(*this);  // may send queued receipts right away
  }
}

void SmscSession::on_submit(const smpp::Pdu& pdu, const smpp::SubmitSm& submit) {
  Counters& c = core_.counters;
  if (!can_send_submits()) {
    ++c.wrong_bind_state;
    respond_submit(pdu.sequence_number, smpp::Status::invalid_bind_status, {});
    return;
  }
  ++c.submits_rx;
  ++submits_;
  const std::int64_t now_ms = core_.clock.now_ms();
  const Verdict verdict = core_.faults.judge_submit(submit.destination_addr, submits_);
  smpp::Status status = smpp::Status::ok;
  std::string_view message_id;
  switch (verdict) {
    case Verdict::accept:
      message_id = core_.ids.next();
      ++c.submits;
      if (!c.first_submit_ms) c.first_submit_ms = now_ms;
      c.last_submit_ms = now_ms;
      break;
    case Verdict::throttle:
      status = smpp::Status::throttled;
      ++c.throttled;
      break;
    case Verdict::reject_destination:
      status = smpp::Status::invalid_dest_addr;
      ++c.rejected;
      break;
    case Verdict::drop:
      ++c.dropped;
      break;
  }
  if (core_.log) {
    SubmitLogEntry entry{now_ms, id_, system_id_, pdu.sequence_number, &submit, message_id,
                         std::nullopt};
    if (verdict != Verdict::drop) entry.resp_status = status_value(status);
    core_.log->append(entry);
  }
  if (verdict == Verdict::drop) {
    if (core_.config.verbose) std::fprintf(stderr, "diskret-smsc: session %llu dropped at submit %llu\n",
                                           static_cast<unsigned long long>(id_),
                                           static_cast<unsigned long long>(submits_));
    close_after_flush(CloseHow::reset);
    return;
  }
  respond_submit(pdu.sequence_number, status, message_id);
  if (verdict == Verdict::accept) schedule_receipt(submit, message_id, now_ms);
}

void SmscSession::respond_submit(std::uint32_t sequence, smpp::Status status,
                                 std::string_view message_id) {
  const smpp::Pdu resp{status_value(status), sequence, smpp::SubmitSmResp{std::string(message_id)}};
  if (!core_.faults.slow_ack()) {
    queue(resp);
    return;
  }
  DelayedAck ack{std::chrono::steady_clock::now() + core_.faults.ack_delay(), {}};
  smpp::encode_to(resp, ack.bytes);
  delayed_acks_.push_back(std::move(ack));
  if (!ack_loop_running_) {
    ack_loop_running_ = true;
    auto self = shared_from_this();
    asio::co_spawn(socket_.get_executor(), [self] { return self->delayed_ack_loop(); },
                   report_exception);
  }
}

void SmscSession::schedule_receipt(const smpp::SubmitSm& submit, std::string_view message_id,
                                   std::int64_t now_ms) {
  if ((submit.registered_delivery & 0x03) == 0) return;
  const ReceiptOutcome outcome =
      core_.faults.receipt_fails() ? ReceiptOutcome::undeliverable : ReceiptOutcome::delivered;
  if (!wants_receipt(submit.registered_delivery, outcome)) return;
  const std::chrono::milliseconds delay{core_.faults.settings().dlr_delay_ms};
  core_.schedule.push(
      std::chrono::steady_clock::now() + delay,
      make_outbound(DeliverKind::receipt, system_id_, id_,
                    build_receipt(submit, message_id, outcome, now_ms, now_ms + delay.count())));
}

void SmscSession::on_deliver_resp(const smpp::Pdu& pdu) {
  auto it = outstanding_.find(pdu.sequence_number);
  if (it == outstanding_.end()) return;
  Outbound item = std::move(it->second);
  outstanding_.erase(it);
  if (pdu.command_status == 0) {
    ++core_.counters.deliver_resp_ok;
    return;
  }
  ++core_.counters.deliver_resp_error;
  const std::chrono::milliseconds delay{core_.faults.settings().redeliver_ms};
  core_.schedule.push(std::chrono::steady_clock::now() + delay, std::move(item));
}

void SmscSession::send_deliver(Outbound&& item) {
  sequence_ = sequence_ >= 0x7fffffffu ? 1 : sequence_ + 1;
  append_with_sequence(item, sequence_, out_);
  outstanding_.insert_or_assign(sequence_, std::move(item));
  wake_writer();
}

void SmscSession::queue(const smpp::Pdu& pdu) { smpp::encode_to(pdu, out_); }

void SmscSession::wake_writer() noexcept { writer_wake_.cancel(); }

void SmscSession::close_after_flush(CloseHow how) {
  if (how == CloseHow::reset) reset_ = true;
  closing_ = true;
  if (in_router_) {
    core_.router.remove_receiver(*this);
    in_router_ = false;
  }
  delayed_acks_.clear();
  ack_timer_.cancel();
  drained_.cancel();
  wake_writer();
}

void SmscSession::finish() {
  if (finished_) return;
  finished_ = true;
  closing_ = true;
  if (in_router_) {
    core_.router.remove_receiver(*this);
    in_router_ = false;
  }
  core_.sessions.erase(id_);
  ++core_.counters.disconnects;
  ack_timer_.cancel();
  drained_.cancel();
  if (core_.config.verbose) std::fprintf(stderr, "diskret-smsc: session %llu closed after %llu submits\n",
                                         static_cast<unsigned long long>(id_),
                                         static_cast<unsigned long long>(submits_));
  // deliver_sm the ESME never answered go to another receiver or wait for the next bind.
  for (auto& [sequence, item] : outstanding_) core_.router.route(std::move(item));
  outstanding_.clear();
}

}  // namespace diskret::smsc_sim
