#pragma once
/// Where deliver_sm PDUs (receipts and MOs) go: to the session that submitted the
/// message if it can receive, else to another receiver/transceiver of the same system_id
/// (round robin), else into a queue that the next such bind drains.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "smpp/pdu.hpp"

namespace diskret::smsc_sim {

enum class DeliverKind : std::uint8_t { receipt, mo };

/// One deliver_sm with its routing data. The PDU is encoded once, when it is made:
/// waiting, routing and re-sending then move one buffer, and sending only writes the
/// sequence number into it.
struct Outbound {
  DeliverKind kind = DeliverKind::receipt;
  std::string system_id;            ///< empty: any receiver
  std::uint64_t origin_session = 0; ///< preferred session (0: none)
  std::uint32_t attempts = 0;       ///< deliver_sm sent so far for this item
  std::vector<std::uint8_t> pdu;    ///< the encoded deliver_sm (sequence number 0)
};

Outbound make_outbound(DeliverKind kind, std::string system_id, std::uint64_t origin_session,
                       const smpp::DeliverSm& pdu);
/// Appends the PDU to `out` with `sequence_number` written into its header.
void append_with_sequence(const Outbound& item, std::uint32_t sequence_number,
                          std::vector<std::uint8_t>& out);

/// A bound receiver or transceiver session.
class DeliverSink {
 public:
  virtual ~DeliverSink() = default;
  virtual std::uint64_t session_id() const noexcept = 0;
  virtual const std::string& bound_system_id() const noexcept = 0;
  /// Sends now (queues the PDU for writing); the sink owns the item until answered.
  virtual void send_deliver(Outbound&& item) = 0;
};

enum class Routed : std::uint8_t { sent, queued, discarded };

class DeliverRouter {
 public:
  explicit DeliverRouter(std::size_t max_pending) : max_pending_(max_pending) {}

  /// A session bound as receiver/transceiver: it receives what was queued for its
  /// system_id (and for "any").
  void add_receiver(DeliverSink& sink);
  void remove_receiver(const DeliverSink& sink) noexcept;
  Routed route(Outbound&& item);

  std::size_t pending() const noexcept { return pending_count_; }
  std::size_t receivers() const noexcept { return receivers_.size(); }
  std::uint64_t sent(DeliverKind k) const noexcept { return sent_[static_cast<int>(k)]; }
  std::uint64_t discarded() const noexcept { return discarded_; }
  void reset_counters() noexcept;

 private:
  DeliverSink* pick(const Outbound& item) noexcept;
  void send(DeliverSink& sink, Outbound&& item);

  std::size_t max_pending_;
  std::vector<DeliverSink*> receivers_;
  std::size_t round_robin_ = 0;
  std::unordered_map<std::string, std::deque<Outbound>> pending_;  ///< by system_id
  std::size_t pending_count_ = 0;
  std::uint64_t sent_[2] = {0, 0};
  std::uint64_t discarded_ = 0;
};

}  // namespace diskret::smsc_sim
