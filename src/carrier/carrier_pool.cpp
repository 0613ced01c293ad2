#include "carrier/carrier_pool.hpp"

#include <exception>
#include <thread>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "carrier/bind_link.hpp"
#include "carrier/pool_core.hpp"
#include "carrier/submit_fields.hpp"
#include "core/thread_name.hpp"

namespace diskret::carrier {
namespace asio = boost::asio;
using asio::as_tuple;
using asio::use_awaitable;

namespace {

constexpr std::chrono::milliseconds kHousekeepingTick{250};
constexpr std::chrono::seconds kReassemblyMaxAge{600};
constexpr std::chrono::seconds kStopGrace{3};

}  // namespace

// ---------------------------------------------------------------- PoolCore

PoolCore::PoolCore(std::vector<CarrierConfig> carriers_in, Handlers handlers_in, const Clock& clock_in)
    : carriers(std::move(carriers_in)),
      handlers(std::move(handlers_in)),
      clock(clock_in),
      queue(carriers, [this](SubmitOutcome&& outcome) {
        switch (outcome.result) {
          case SubmitResult::accepted: counters.accepted.fetch_add(1, std::memory_order_relaxed); break;
          case SubmitResult::rejected: counters.rejected.fetch_add(1, std::memory_order_relaxed); break;
          case SubmitResult::expired: counters.expired.fetch_add(1, std::memory_order_relaxed); break;
        }
        if (outcome.result != SubmitResult::accepted) {
          spdlog::debug("message {} {} ({}): {}", outcome.message_id,
                        outcome.result == SubmitResult::rejected ? "rejected" : "expired",
                        outcome.carrier, outcome.detail);
        }
        pending.fetch_sub(1, std::memory_order_relaxed);
        if (handlers.on_outcome) handlers.on_outcome(std::move(outcome));
      }),
      bound_count(carriers.size(), 0) {
  for (const auto& c : carriers) readers.emplace_back(c.gsm_packing);
  ack_gate->io = &io;
}

PoolCore::~PoolCore() {
  std::lock_guard lock(ack_gate->mutex);
  ack_gate->io = nullptr;
}

void PoolCore::spawn(asio::awaitable<void> task, std::string what) {
  ++live_tasks_;
  asio::co_spawn(io, std::move(task), [this, what = std::move(what)](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        spdlog::error("{}: coroutine failed: {}", what, ex.what());
      }
    }
    task_done();
  });
}

void PoolCore::task_done() {
  --live_tasks_;
  if (stopping && live_tasks_ == 0) stop_guard_.cancel();
}

void PoolCore::bind_up(std::size_t carrier) {
  if (bound_count[carrier]++ == 0) queue.set_carrier_up(carrier, true, clock.now());
  pump_all();  // parked messages may have moved to this carrier
}

void PoolCore::bind_down(std::size_t carrier) {
  if (bound_count[carrier] > 0 && --bound_count[carrier] == 0) {
    queue.set_carrier_up(carrier, false, clock.now());
    if (queue.parked() > 0) {
      spdlog::warn("carrier {}: no bound session; {} messages wait for a route",
                   carriers[carrier].name, queue.parked());
    }
  }
  pump_all();  // requeued parts go out over the other binds (or the failover carrier)
}

void PoolCore::pump_carrier(std::size_t carrier) {
  for (auto& b : binds) {
    if (b->carrier() == carrier) b->pump();
  }
}

void PoolCore::pump_all() {
  for (auto& b : binds) b->pump();
}

void PoolCore::on_deliver(std::size_t carrier, const std::shared_ptr<smpp::Session>& session,
                          std::uint32_t sequence_number, const smpp::DeliverSm& pdu) {
  auto ev = readers[carrier].read(pdu, std::chrono::steady_clock::now());
  auto ack_now = [&] { session->respond(sequence_number, smpp::Status::ok, smpp::DeliverSmResp{}); };
  // The deliver_sm_resp waits for the caller's durable write; it may come from any thread
  // and after the session is gone (then the SMSC simply delivers again).
  auto make_ack = [&]() -> Ack {
    return [gate = ack_gate, weak = std::weak_ptr<smpp::Session>(session), sequence_number](bool durable) {
      std::lock_guard lock(gate->mutex);
      if (gate->io == nullptr) return;
      asio::post(*gate->io, [weak, sequence_number, durable] {
        if (auto s = weak.lock()) {
          s->respond(sequence_number, durable ? smpp::Status::ok : smpp::Status::receiver_no_response,
                     smpp::DeliverSmResp{});
        }
      });
    };
  };
  const auto& name = carriers[carrier].name;
  switch (ev.kind) {
    case DeliverEvent::Kind::receipt:
      counters.receipts.fetch_add(1, std::memory_order_relaxed);
      if (!handlers.on_receipt) return ack_now();
      handlers.on_receipt(Receipt{name, std::move(ev.receipt)}, make_ack());
      return;
    case DeliverEvent::Kind::inbound:
      counters.inbound.fetch_add(1, std::memory_order_relaxed);
      if (!handlers.on_inbound) return ack_now();
      handlers.on_inbound(Inbound{name, std::move(ev.from), std::move(ev.to), std::move(ev.text)}, make_ack());
      return;
    case DeliverEvent::Kind::partial:
      return ack_now();
    case DeliverEvent::Kind::unreadable_receipt:
      // Acknowledged anyway: refusing it would make the SMSC send it again forever.
      counters.bad_receipts.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("carrier {}: unreadable delivery receipt: {}", name, ev.detail);
      return ack_now();
    case DeliverEvent::Kind::unreadable_text:
      counters.bad_inbound.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("carrier {}: unreadable inbound message from {} (data_coding 0x{:02x}): {}", name,
                   mask_number(pdu.source_addr), pdu.data_coding, ev.detail);
      return ack_now();
  }
}

asio::awaitable<void> PoolCore::housekeeping() {
  unsigned ticks = 0;
  while (!stopping) {
    housekeeping_timer_.expires_after(kHousekeepingTick);
    co_await housekeeping_timer_.async_wait(as_tuple(use_awaitable));
    if (stopping) break;
    // Queues being sent from check expiry as they go; the sweep is for the ones that
    // stand still (parked, or a carrier paused for long), so once a second is plenty.
    ++ticks;
    if (ticks % 4 == 0) queue.expire(clock.now());
    if (ticks % 40 == 0) {
      const auto now = std::chrono::steady_clock::now();
      for (auto& r : readers) r.expire(now, kReassemblyMaxAge);
    }
  }
}

// ------------------------------------------------------------ CarrierPool

class CarrierPool::Impl : public PoolCore {
 public:
  Impl(std::vector<CarrierConfig> carriers_in, Handlers handlers_in, const Clock& clock_in)
      : PoolCore(std::move(carriers_in), std::move(handlers_in), clock_in) {
    for (std::size_t c = 0; c < carriers.size(); ++c) {
      for (unsigned b = 1; b <= std::max(1u, carriers[c].binds); ++b) {
        binds.push_back(std::make_unique<BindLink>(*this, c, b));
      }
    }
  }

  ~Impl() { stop(); }

  void start() {
    if (started_) return;
    started_ = true;
    for (auto& b : binds) b->spawn();
    spawn(housekeeping(), "carrier pool housekeeping");
    thread_ = core::named_thread("carrier", [this] { run(); });
  }

  void stop() {
    if (!started_ || stopped_) return;
    if (std::this_thread::get_id() == thread_.get_id()) {
      // Joining our own thread would deadlock; a handler must not stop the pool.
      spdlog::error("carrier pool: stop() called from a pool handler; ignored");
      return;
    }
    stopped_ = true;
    asio::post(io, [this] { begin_stop(); });
    work_.reset();
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(ack_gate->mutex);
    ack_gate->io = nullptr;
  }

  void set_node_count(std::size_t nodes) {
    auto apply = [this, nodes] {
      for (auto& b : binds) b->set_tps_share(nodes);
      if (started_ && !stopping) pump_all();
    };
    if (!started_) return apply();  // no I/O thread yet
    asio::post(io, apply);
  }

  void submit(std::vector<OutboundMessage>&& messages) {
    if (messages.empty()) return;
    pending.fetch_add(messages.size(), std::memory_order_relaxed);
    counters.submitted.fetch_add(messages.size(), std::memory_order_relaxed);
    asio::post(io, [this, batch = std::move(messages)]() mutable {
      if (stopping) return;
      const auto now = clock.now();
      for (auto& m : batch) queue.add(std::move(m), now);
      pump_all();
    });
  }

 private:
  void run() {
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        // A throwing handler must not take the whole pool down with it.
        spdlog::error("carrier pool: handler threw: {}", e.what());
      }
    }
  }

  void begin_stop() {
    stopping = true;
    housekeeping_timer_.cancel();
    for (auto& b : binds) b->begin_stop();
    // Everything normally ends within the unbind wait; a peer that never lets go does not
    // get to hold stop() hostage.
    stop_guard_.expires_after(kStopGrace);
    stop_guard_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      spdlog::warn("carrier pool: stop took longer than {} s, abandoning connections", kStopGrace.count());
      io.stop();
    });
    if (live_tasks_ == 0) stop_guard_.cancel();
  }

  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io);
  std::thread thread_;
  bool started_ = false;
  bool stopped_ = false;
};

CarrierPool::CarrierPool(std::vector<CarrierConfig> carriers, Handlers handlers, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(carriers), std::move(handlers), clock)) {}

CarrierPool::~CarrierPool() = default;

void CarrierPool::start() { impl_->start(); }
void CarrierPool::stop() { impl_->stop(); }

void CarrierPool::submit(std::vector<OutboundMessage>&& messages) { impl_->submit(std::move(messages)); }

void CarrierPool::set_node_count(std::size_t nodes) { impl_->set_node_count(nodes); }

std::size_t CarrierPool::pending() const { return impl_->pending.load(std::memory_order_relaxed); }

std::vector<LinkState> CarrierPool::links() const {
  std::vector<LinkState> out;
  out.reserve(impl_->binds.size());
  for (const auto& b : impl_->binds) {
    out.push_back(LinkState{impl_->carriers[b->carrier()].name, b->index(), b->bound(), b->in_flight()});
  }
  return out;
}

bool CarrierPool::any_bound() const {
  for (const auto& b : impl_->binds) {
    if (b->bound()) return true;
  }
  return false;
}

PoolStats CarrierPool::stats() const {
  const auto& c = impl_->counters;
  auto get = [](const std::atomic<std::uint64_t>& v) { return v.load(std::memory_order_relaxed); };
  PoolStats s;
  s.submitted = get(c.submitted);
  s.accepted = get(c.accepted);
  s.rejected = get(c.rejected);
  s.expired = get(c.expired);
  s.submit_sm_sent = get(c.submit_sm_sent);
  s.throttled = get(c.throttled);
  s.retried = get(c.retried);
  s.resent = get(c.resent);
  s.binds = get(c.binds);
  s.receipts = get(c.receipts);
  s.bad_receipts = get(c.bad_receipts);
  s.inbound = get(c.inbound);
  s.bad_inbound = get(c.bad_inbound);
  return s;
}

}  // namespace diskret::carrier
