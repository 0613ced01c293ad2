#include "carrier/bind_link.hpp"

#include <algorithm>
#include <functional>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "carrier/pool_core.hpp"
#include "io/tls.hpp"

namespace diskret::carrier {
namespace asio = boost::asio;
using asio::as_tuple;
using asio::use_awaitable;
using asio::ip::tcp;
using Steady = std::chrono::steady_clock;

namespace {

std::uint64_t seed_for(const std::string& name) {
  // Different binds must not draw the same jitter; time makes restarts differ too.
  return std::hash<std::string>{}(name) ^
         static_cast<std::uint64_t>(Steady::now().time_since_epoch().count());
}

}  // namespace

BindLink::BindLink(PoolCore& core, std::size_t carrier, unsigned index)
    : core_(core),
      carrier_(carrier),
      index_(index),
      name_(fmt::format("{}#{}", core.carriers[carrier].name, index)),
      backoff_(core.carriers[carrier].reconnect_min, core.carriers[carrier].reconnect_max, seed_for(name_)),
      bucket_(TokenBucket::for_tps(core.carriers[carrier].tps)),
      retry_timer_(core.io),
      wake_timer_(core.io),
      closed_signal_(core.io),
      resolver_(core.io),
      scratch_{0, 0, smpp::SubmitSm{}} {
  const unsigned window = std::max(1u, core.carriers[carrier].window);
  slots_.resize(window);
  free_slots_.reserve(window);
  for (std::uint32_t s = window; s > 0; --s) free_slots_.push_back(s - 1);
  wake_timer_.expires_at(SteadyTime::max());
  const auto& cfg = core.carriers[carrier];
  if (cfg.tls) {
    tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    io::TlsClientOptions options;
    options.ca_file = cfg.tls_ca_file;
    options.verify = cfg.tls_verify;
    if (auto ok = io::configure_client(*tls_, options, name_); !ok) tls_error_ = ok.error().detail;
    if (!cfg.tls_verify && index == 0) {
      spdlog::warn("{}: TLS without certificate verification (tls_verify = false)", cfg.name);
    }
  }
}

BindLink::~BindLink() = default;

void BindLink::spawn() {
  core_.spawn(run(), name_ + " link");
  core_.spawn(waker(), name_ + " pacing");
}

asio::awaitable<void> BindLink::run() {
  while (!core_.stopping) {
    if (co_await connect_and_bind()) {
      backoff_.reset();
      co_await serve();
    }
    if (core_.stopping) break;
    const auto delay = backoff_.next();
    spdlog::debug("{}: reconnecting in {} ms", name_, delay.count());
    retry_timer_.expires_after(delay);
    co_await retry_timer_.async_wait(as_tuple(use_awaitable));
  }
}

asio::awaitable<std::shared_ptr<smpp::Session>> BindLink::connect_and_bind() {
  using namespace asio::experimental::awaitable_operators;
  const auto& cfg = core_.carriers[carrier_];
  // Repeated failures while a carrier stays down are not news: warn once per outage.
  const bool first_failure = backoff_.attempts() == 0;
  auto report = [&](const std::string& what) {
    if (first_failure) {
      spdlog::warn("{}: {} ({}:{})", name_, what, cfg.host, cfg.port);
    } else {
      spdlog::debug("{}: {} (attempt {})", name_, what, backoff_.attempts() + 1);
    }
  };

  auto [rec, endpoints] = co_await resolver_.async_resolve(cfg.host, std::to_string(cfg.port),
                                                            as_tuple(use_awaitable));
  if (core_.stopping) co_return nullptr;
  if (rec) {
    report("cannot resolve host: " + rec.message());
    co_return nullptr;
  }
  auto ex = co_await asio::this_coro::executor;
  tcp::socket socket(ex);
  asio::steady_timer timeout(ex);
  timeout.expires_after(cfg.response_timeout);
  connecting_ = &socket;
  auto connected = co_await (asio::async_connect(socket, endpoints, as_tuple(use_awaitable)) ||
                             timeout.async_wait(as_tuple(use_awaitable)));
  connecting_ = nullptr;
  if (core_.stopping) co_return nullptr;
  if (connected.index() == 1) {
    report("connect timed out");
    co_return nullptr;
  }
  if (auto ec = std::get<0>(std::get<0>(connected)); ec) {
    report("cannot connect: " + ec.message());
    co_return nullptr;
  }

  smpp::SessionOptions options;
  options.name = name_;
  options.enquire_link_interval = cfg.enquire_link_interval;
  options.response_timeout = cfg.response_timeout;
  std::shared_ptr<smpp::Session> session;
  if (cfg.tls) {
    std::string why;
    session = co_await secure(std::move(socket), std::move(options), why);
    if (core_.stopping) co_return nullptr;
    if (!session) {
      report("TLS failed: " + why);
      co_return nullptr;
    }
  } else {
    session = smpp::Session::create(std::move(socket), std::move(options));
  }
  session_ = session;
  session->start([this](smpp::Pdu&& pdu) { on_request(std::move(pdu)); },
                 [this](std::error_code why) { on_closed(why); });
  smpp::BindTransceiver bind;
  bind.system_id = cfg.system_id;
  bind.password = cfg.password;
  bind.system_type = cfg.system_type;
  auto resp = co_await session->request(bind);
  if (!resp) {
    report("bind got no answer: " + resp.error().message());
    co_return nullptr;
  }
  if (resp->command_status != 0 || !std::holds_alternative<smpp::BindTransceiverResp>(resp->body)) {
    report(fmt::format("bind refused: {}", smpp::status_name(static_cast<smpp::Status>(resp->command_status))));
    session->close();
    co_return nullptr;
  }
  if (!session->is_open() || core_.stopping) co_return nullptr;
  co_return session;
}

asio::awaitable<std::shared_ptr<smpp::Session>> BindLink::secure(tcp::socket socket,
                                                                 smpp::SessionOptions options,
                                                                 std::string& why) {
  using namespace asio::experimental::awaitable_operators;
  const auto& cfg = core_.carriers[carrier_];
  if (!tls_error_.empty()) {
    why = tls_error_;
    co_return nullptr;
  }
  smpp::Session::TlsSocket stream(std::move(socket), *tls_);
  // SNI for carriers that host several names, and the name the certificate must carry.
  boost::system::error_code not_ip;
  asio::ip::make_address(cfg.host, not_ip);
  if (not_ip) SSL_set_tlsext_host_name(stream.native_handle(), cfg.host.c_str());
  if (cfg.tls_verify) stream.set_verify_callback(asio::ssl::host_name_verification(cfg.host));
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timeout(ex);
  timeout.expires_after(cfg.response_timeout);
  connecting_ = &stream.next_layer();
  auto done = co_await (stream.async_handshake(asio::ssl::stream_base::client, as_tuple(use_awaitable)) ||
                        timeout.async_wait(as_tuple(use_awaitable)));
  connecting_ = nullptr;
  if (done.index() == 1) {
    why = "handshake timed out";
    co_return nullptr;
  }
  if (auto ec = std::get<0>(std::get<0>(done)); ec) {
    why = ec.message();
    co_return nullptr;
  }
  co_return smpp::Session::create(std::move(stream), std::move(options));
}

asio::awaitable<void> BindLink::serve() {
  const auto& cfg = core_.carriers[carrier_];
  bound_ = true;
  bound_flag_.store(true, std::memory_order_relaxed);
  core_.counters.binds.fetch_add(1, std::memory_order_relaxed);
  spdlog::info("{}: bound to {}:{} as {}", name_, cfg.host, cfg.port, cfg.system_id);
  core_.bind_up(carrier_);
  pump();
  closed_signal_.expires_at(SteadyTime::max());
  while (session_ && session_->is_open()) {
    co_await closed_signal_.async_wait(as_tuple(use_awaitable));
  }
}

void BindLink::on_closed(std::error_code why) {
  if (!lost_.empty()) {
    core_.counters.resent.fetch_add(lost_.size(), std::memory_order_relaxed);
    core_.queue.lost(lost_);
    lost_.clear();
  }
  session_.reset();
  closed_signal_.cancel();
  publish_in_flight();
  if (!bound_) return;
  bound_ = false;
  bound_flag_.store(false, std::memory_order_relaxed);
  if (core_.stopping) {
    spdlog::info("{}: unbound", name_);
  } else {
    spdlog::warn("{}: connection lost: {}", name_, why.message());
  }
  core_.bind_down(carrier_);
}

void BindLink::begin_stop() {
  retry_timer_.cancel();
  wake_timer_.cancel();
  resolver_.cancel();
  if (connecting_ != nullptr) {
    boost::system::error_code ignored;
    connecting_->close(ignored);
  }
  if (!session_) return;
  if (bound_) {
    core_.spawn(unbind(session_), name_ + " unbind");
  } else {
    session_->close();
  }
}

asio::awaitable<void> BindLink::unbind(std::shared_ptr<smpp::Session> session) {
  const auto wait = std::min<std::chrono::milliseconds>(core_.carriers[carrier_].response_timeout,
                                                        std::chrono::milliseconds{1000});
  co_await session->unbind(wait);
}

asio::awaitable<void> BindLink::waker() {
  while (!core_.stopping) {
    co_await wake_timer_.async_wait(as_tuple(use_awaitable));
    if (core_.stopping) break;
    // Woken early when arm_wake() moved the expiry: just wait again for the new time.
    if (Steady::now() >= wake_timer_.expiry()) {
      wake_timer_.expires_at(SteadyTime::max());
      pump();
    }
  }
}

void BindLink::arm_wake(SteadyTime at) {
  if (at < wake_timer_.expiry()) wake_timer_.expires_at(at);
}

void BindLink::publish_in_flight() {
  in_flight_flag_.store(slots_.size() - free_slots_.size(), std::memory_order_relaxed);
}

void BindLink::set_tps_share(std::size_t nodes) {
  bucket_.reshape(TokenBucket::for_tps_share(core_.carriers[carrier_].tps, nodes));
}

void BindLink::pump() {
  if (!bound_ || core_.stopping || !session_ || !session_->is_open()) return;
  if (free_slots_.empty() || !core_.queue.has_work(carrier_)) return;
  const auto steady_now = Steady::now();
  if (steady_now < paused_until_) return arm_wake(paused_until_);
  const auto now = core_.clock.now();
  auto& submit = std::get<smpp::SubmitSm>(scratch_.body);
  std::uint64_t sent = 0;
  while (!free_slots_.empty()) {
    if (!bucket_.unlimited()) {
      const auto wait = bucket_.wait_time(steady_now.time_since_epoch());
      if (wait.count() > 0) {
        arm_wake(steady_now + wait);
        break;
      }
    }
    const auto ticket = core_.queue.next(carrier_, submit, now);
    if (!ticket) break;
    bucket_.try_take(steady_now.time_since_epoch());
    const auto slot = free_slots_.back();
    free_slots_.pop_back();
    slots_[slot] = *ticket;
    const auto seq = session_->send_request(scratch_, [this, slot](std::error_code ec, smpp::Pdu&& resp) {
      on_submit_response(slot, ec, std::move(resp));
    });
    if (seq == 0) {  // cannot happen while open; never lose the part if it does
      free_slots_.push_back(slot);
      core_.queue.lost(std::span<const Ticket>(&*ticket, 1));
      break;
    }
    ++sent;
  }
  core_.counters.submit_sm_sent.fetch_add(sent, std::memory_order_relaxed);
  publish_in_flight();
}

void BindLink::on_submit_response(std::uint32_t slot, std::error_code ec, smpp::Pdu&& pdu) {
  const Ticket ticket = slots_[slot];
  free_slots_.push_back(slot);
  if (ec) {
    // The session is closing; on_closed() requeues these together, in send order.
    lost_.push_back(ticket);
    return;
  }
  const auto status = static_cast<smpp::Status>(pdu.command_status);
  if (const auto* resp = std::get_if<smpp::SubmitSmResp>(&pdu.body)) {
    if (status == smpp::Status::ok) {
      core_.queue.accepted(ticket, resp->message_id);
    } else {
      after_verdict(core_.queue.rejected(ticket, status));
    }
  } else {
    spdlog::warn("{}: submit_sm answered by {} {}", name_, smpp::command_name(smpp::command_id(pdu.body)),
                 smpp::status_name(status));
    after_verdict(core_.queue.nacked(ticket, status));
  }
  pump();
}

void BindLink::after_verdict(Verdict v) {
  switch (v) {
    case Verdict::done:
      return;
    case Verdict::retry:
      core_.counters.retried.fetch_add(1, std::memory_order_relaxed);
      break;
    case Verdict::pause_bind: {
      core_.counters.throttled.fetch_add(1, std::memory_order_relaxed);
      const auto until = Steady::now() + core_.carriers[carrier_].throttle_backoff;
      if (until > paused_until_) {
        spdlog::debug("{}: throttled, pausing {} ms", name_,
                      core_.carriers[carrier_].throttle_backoff.count());
        paused_until_ = until;
        arm_wake(until);
      }
      break;
    }
  }
  // The part went back to the queue: another bind of this carrier may take it now.
  core_.pump_carrier(carrier_);
}

void BindLink::on_request(smpp::Pdu&& pdu) {
  const auto* deliver = std::get_if<smpp::DeliverSm>(&pdu.body);
  if (deliver == nullptr || !session_) {
    if (session_) session_->respond(pdu.sequence_number, smpp::Status::invalid_command_id, smpp::GenericNack{});
    return;
  }
  core_.on_deliver(carrier_, session_, pdu.sequence_number, *deliver);
}

}  // namespace diskret::carrier
