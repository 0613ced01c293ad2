#pragma once
/// OutboundQueue: the pool's message state, free of I/O. It owns every message from
/// submit() until its outcome: routes it (prefix, failover while a carrier has no bound
/// session), encodes it for the chosen carrier, hands out its parts as submit_sm bodies,
/// and turns the carrier's answers into retries or one SubmitOutcome per message.
/// Single-threaded: the pool calls it from its I/O thread only.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "carrier/carrier_config.hpp"
#include "carrier/carrier_pool.hpp"
#include "carrier/prefix_router.hpp"
#include "carrier/reference_rotator.hpp"
#include "core/clock.hpp"
#include "smpp/pdu.hpp"

namespace diskret::carrier {

struct Job;  // one message in the queue (outbound_queue.cpp)

/// One submit_sm in flight: a message and the index of its part.
struct Ticket {
  Job* job = nullptr;
  std::uint32_t part = 0;
};

/// What the bind that got an error answer should do.
enum class Verdict : std::uint8_t {
  done,        ///< nothing (final answer, or the message was retried elsewhere)
  retry,       ///< the part was queued again
  pause_bind,  ///< throttled: the part was queued again; pause this bind
};

class OutboundQueue {
 public:
  /// Retries of other transient statuses (ESME_RSYSERR...) before a message is rejected.
  static constexpr unsigned kMaxTransientRetries = 3;

  using OutcomeSink = std::function<void(SubmitOutcome&&)>;
  OutboundQueue(const std::vector<CarrierConfig>& carriers, OutcomeSink sink);
  ~OutboundQueue();
  OutboundQueue(const OutboundQueue&) = delete;
  OutboundQueue& operator=(const OutboundQueue&) = delete;

  /// Takes a message: routed and queued, parked until a route is bound, or finished at
  /// once (no route, unencodable, already expired).
  void add(OutboundMessage&& message, SystemTime now);

  /// A carrier got its first bound session (up) or lost its last one (down). Up: parked
  /// messages that it serves move to it. Down: its queued messages of which no part was
  /// accepted yet fail over to the next bound carrier, or are parked.
  void set_carrier_up(std::size_t carrier, bool up, SystemTime now);
  bool carrier_up(std::size_t carrier) const { return carriers_[carrier].up; }

  /// The next part to send on `carrier`, written into `out` (which the caller reuses);
  /// nullopt when its queue is empty. Expired messages are finished on the way.
  std::optional<Ticket> next(std::size_t carrier, smpp::SubmitSm& out, SystemTime now);
  bool has_work(std::size_t carrier) const { return !carriers_[carrier].ready.empty(); }

  void accepted(Ticket t, std::string_view carrier_message_id);
  /// submit_sm_resp with a non-zero status.
  Verdict rejected(Ticket t, smpp::Status status);
  /// generic_nack for the submit: retried once, then rejected with its status.
  Verdict nacked(Ticket t, smpp::Status status);
  /// The connection died before these got an answer (in the order they were sent): they
  /// go back to the front of their queue and will be sent again.
  void lost(std::span<const Ticket> tickets);

  /// Finishes queued or parked messages whose expires_at passed; returns how many.
  std::size_t expire(SystemTime now);

  std::size_t size() const noexcept { return live_; }   ///< messages without outcome
  std::size_t parked() const noexcept { return parked_.size(); }
  std::size_t queued(std::size_t carrier) const { return carriers_[carrier].ready.size(); }

 private:
  struct Carrier {
    std::string name;
    sms::EncodeOptions encode;
    bool up = false;
    std::deque<Job*> ready;
  };

  Job* acquire();
  void recycle(Job* j);
  void route(Job* j, SystemTime now);
  bool assign(Job* j, std::size_t carrier);
  void push_front(Job* j);
  void push_back(Job* j);
  void fail(Job* j, SubmitResult result, smpp::Status status, std::string detail);
  void maybe_finish(Job* j);
  static void fill(const Job& j, std::uint32_t part, smpp::SubmitSm& out);

  std::vector<Carrier> carriers_;
  PrefixRouter router_;
  ReferenceRotator references_;
  OutcomeSink sink_;
  std::deque<Job*> parked_;                 // no bound route yet, FIFO
  std::vector<std::unique_ptr<Job>> jobs_;  // every Job ever made; reused via free_
  std::vector<Job*> free_;
  std::size_t live_ = 0;
};

}  // namespace diskret::carrier
