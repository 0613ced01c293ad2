#include "smsc_sim/simulator.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/thread_name.hpp"
#include "smsc_sim/control_api.hpp"
#include "smsc_sim/control_server.hpp"
#include "smsc_sim/smsc_core.hpp"
#include "smsc_sim/smsc_session.hpp"

namespace diskret::smsc_sim {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::milliseconds kLogFlushInterval{100};
// Receipts due within this slack go out together: one timer wake-up per millisecond at
// most, however many receipts fall due.
constexpr std::chrono::milliseconds kScheduleSlack{1};
}  // namespace

struct Simulator::Impl {
  Impl(SimulatorConfig config, const Clock& clock)
      : core(std::move(config), clock),
        api(core, {[this] { return kick_all(); }, [this] { return session_infos(); }}) {}

  void bind();
  void spawn_loops();
  void shutdown();
  std::size_t kick_all();
  std::vector<SessionInfo> session_infos() const;
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> schedule_loop();
  asio::awaitable<void> flush_loop();
  asio::awaitable<void> stats_loop();
  void wait_signals();

  // The core outlives the io_context: session frames destroyed with the io_context may
  // still refer to it.
  SmscCore core;
  ControlApi api;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::unique_ptr<ControlServer> control;
  asio::steady_timer schedule_timer{io};
  asio::steady_timer flush_timer{io};
  asio::steady_timer stats_timer{io};
  asio::signal_set signals{io};
  std::thread thread;
  bool bound = false;
  bool stopping = false;
  std::uint16_t port = 0;
  std::uint16_t control_port = 0;
};

void Simulator::Impl::bind() {
  if (bound) return;
  if (!core.config.log_path.empty()) {
    auto log = SubmitLog::open(core.config.log_path);
    if (!log) throw std::runtime_error(log.error().message());
    core.log.emplace(std::move(*log));
  }
  const HostPort& at = core.config.listen;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(at.host, ec);
  const tcp::endpoint endpoint(address, at.port);
  // Error-code overloads: the sentence for the user is ec.message(), nothing more.
  if (!ec) acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + at.host + ":" + std::to_string(at.port) + ": " +
                             ec.message());
  }
  port = acceptor.local_endpoint().port();
  if (core.config.control_enabled) {
    control = std::make_unique<ControlServer>(
        io, [this](const ControlRequest& r) { return api.handle(r); });
    const HostPort& c = core.config.control;
    try {
      control_port = control->listen(c);
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot listen on " + c.host + ":" + std::to_string(c.port) +
                               " (control): " + e.what());
    }
  }
  core.schedule.on_earlier([this] { schedule_timer.cancel(); });
  bound = true;
  spawn_loops();
}

void Simulator::Impl::spawn_loops() {
  auto report = [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      std::fprintf(stderr, "diskret-smsc: %s\n", ex.what());
    }
  };
  asio::co_spawn(io, accept_loop(), report);
  asio::co_spawn(io, schedule_loop(), report);
  asio::co_spawn(io, flush_loop(), report);
  if (core.config.stats_interval_s > 0) asio::co_spawn(io, stats_loop(), report);
}

asio::awaitable<void> Simulator::Impl::accept_loop() {
  asio::steady_timer backoff(io);
  while (!stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
    if (stopping) break;
    if (ec) {
      // Out of file descriptors and the like: try again shortly instead of spinning.
      std::fprintf(stderr, "diskret-smsc: accept failed: %s\n", ec.message().c_str());
      backoff.expires_after(std::chrono::milliseconds{50});
      co_await backoff.async_wait(kUseTuple);
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<SmscSession>(std::move(socket), core)->start();
  }
}

asio::awaitable<void> Simulator::Impl::schedule_loop() {
  while (!stopping) {
    const auto due = core.schedule.next_due();
    schedule_timer.expires_at(due ? *due : asio::steady_timer::time_point::max());
    co_await schedule_timer.async_wait(kUseTuple);
    if (stopping) break;
    core.schedule.pop_due(std::chrono::steady_clock::now() + kScheduleSlack,
                          [this](Outbound&& item) { core.router.route(std::move(item)); });
  }
}

asio::awaitable<void> Simulator::Impl::flush_loop() {
  while (!stopping) {
    flush_timer.expires_after(kLogFlushInterval);
    co_await flush_timer.async_wait(kUseTuple);
    if (core.log) core.log->flush();
  }
}

asio::awaitable<void> Simulator::Impl::stats_loop() {
  std::uint64_t last_rx = core.counters.submits_rx;
  const auto interval = std::chrono::seconds{core.config.stats_interval_s};
  while (!stopping) {
    stats_timer.expires_after(interval);
    co_await stats_timer.async_wait(kUseTuple);
    if (stopping) break;
    const Counters& c = core.counters;
    if (c.submits_rx == last_rx) continue;  // quiet while idle
    const double rate = static_cast<double>(c.submits_rx - last_rx) /
                        static_cast<double>(core.config.stats_interval_s);
    last_rx = c.submits_rx;
    std::fprintf(stderr,
                 "diskret-smsc: sessions=%zu submits=%llu ok=%llu throttled=%llu dropped=%llu "
                 "rate=%.0f/s dlr_sent=%llu mo_sent=%llu pending_deliver=%zu\n",
                 core.sessions.size(), static_cast<unsigned long long>(c.submits_rx),
                 static_cast<unsigned long long>(c.submits),
                 static_cast<unsigned long long>(c.throttled),
                 static_cast<unsigned long long>(c.dropped), rate,
                 static_cast<unsigned long long>(core.router.sent(DeliverKind::receipt)),
                 static_cast<unsigned long long>(core.router.sent(DeliverKind::mo)),
                 core.router.pending());
  }
}

void Simulator::Impl::wait_signals() {
  signals.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    if (signal == SIGUSR1) {
      if (core.log) core.log->flush();
      std::fprintf(stderr, "%s\n", stats_json(api.snapshot()).c_str());
      wait_signals();
      return;
    }
    shutdown();
  });
}

std::size_t Simulator::Impl::kick_all() {
  // Copy first: a kicked session removes itself from core.sessions.
  std::vector<std::shared_ptr<SmscSession>> open;
  open.reserve(core.sessions.size());
  for (auto& [id, session] : core.sessions) open.push_back(session->shared_from_this());
  for (auto& session : open) session->kick();
  return open.size();
}

std::vector<SessionInfo> Simulator::Impl::session_infos() const {
  std::vector<SessionInfo> out;
  out.reserve(core.sessions.size());
  for (const auto& [id, session] : core.sessions) out.push_back(session->info());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

void Simulator::Impl::shutdown() {
  if (stopping) return;
  stopping = true;
  boost::system::error_code ignored;
  acceptor.close(ignored);
  if (control) control->close();
  kick_all();
  schedule_timer.cancel();
  flush_timer.cancel();
  stats_timer.cancel();
  signals.cancel(ignored);
  if (core.log) core.log->flush();
}

Simulator::Simulator(SimulatorConfig config, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(config), clock)) {}

Simulator::~Simulator() { stop(); }

void Simulator::bind() { impl_->bind(); }

void Simulator::start() {
  impl_->bind();
  if (impl_->thread.joinable()) return;
  impl_->thread = core::named_thread("smsc", [impl = impl_.get()] { impl->io.run(); });
}

void Simulator::run(HandleSignals handle) {
  impl_->bind();
  if (handle == HandleSignals::yes) {
    impl_->signals.add(SIGINT);
    impl_->signals.add(SIGTERM);
    impl_->signals.add(SIGUSR1);
    impl_->wait_signals();
  }
  impl_->io.run();
  if (impl_->core.log) impl_->core.log->flush();
}

void Simulator::stop() {
  if (!impl_) return;
  asio::post(impl_->io, [impl = impl_.get()] { impl->shutdown(); });
  if (impl_->thread.joinable() && impl_->thread.get_id() != std::this_thread::get_id()) {
    impl_->thread.join();
  }
}

std::uint16_t Simulator::port() const noexcept { return impl_->port; }
std::uint16_t Simulator::control_port() const noexcept { return impl_->control_port; }

}  // namespace diskret::smsc_sim
