#pragma once
/// PoolCore: the state that every bind of a CarrierPool shares, owned by the pool and
/// used only on its I/O thread (except the atomics). Internal to the carrier module.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "carrier/carrier_pool.hpp"
#include "carrier/inbound_reader.hpp"
#include "carrier/outbound_queue.hpp"
#include "smpp/session.hpp"

namespace diskret::carrier {

class BindLink;

struct Counters {
  std::atomic<std::uint64_t> submitted{0}, accepted{0}, rejected{0}, expired{0};
  std::atomic<std::uint64_t> submit_sm_sent{0}, throttled{0}, retried{0}, resent{0};
  std::atomic<std::uint64_t> binds{0}, receipts{0}, bad_receipts{0}, inbound{0}, bad_inbound{0};
};

/// Lets an Ack outlive the pool: once the pool stops, `io` is null and acks do nothing.
struct AckGate {
  std::mutex mutex;
  boost::asio::io_context* io = nullptr;
};

class PoolCore {
 public:
  PoolCore(std::vector<CarrierConfig> carriers, Handlers handlers, const Clock& clock);
  ~PoolCore();

  /// co_spawns a coroutine that stop() waits for.
  void spawn(boost::asio::awaitable<void> task, std::string what);
  void bind_up(std::size_t carrier);
  void bind_down(std::size_t carrier);
  void pump_carrier(std::size_t carrier);
  void pump_all();
  void on_deliver(std::size_t carrier, const std::shared_ptr<smpp::Session>& session,
                  std::uint32_t sequence_number, const smpp::DeliverSm& pdu);

  boost::asio::io_context io{1};  // first member: destroyed after everything bound to it
  std::vector<CarrierConfig> carriers;
  Handlers handlers;
  const Clock& clock;
  Counters counters;
  std::atomic<std::size_t> pending{0};
  OutboundQueue queue;
  std::vector<InboundReader> readers;  // per carrier
  std::vector<unsigned> bound_count;   // per carrier
  std::vector<std::unique_ptr<BindLink>> binds;
  std::shared_ptr<AckGate> ack_gate = std::make_shared<AckGate>();
  bool stopping = false;

 protected:
  void task_done();
  boost::asio::awaitable<void> housekeeping();

  boost::asio::steady_timer housekeeping_timer_{io};
  boost::asio::steady_timer stop_guard_{io};
  std::size_t live_tasks_ = 0;
};

}  // namespace diskret::carrier
