#pragma once
/// CarrierPool: every configured carrier connection (N transceiver binds each), routing
/// by destination prefix with failover, windowing, throttling, retries, receipts and MO.
/// Runs its own I/O thread; the interface is thread-safe and free of Asio (pimpl).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "carrier/carrier_config.hpp"
#include "core/clock.hpp"
#include "sms/sender_id.hpp"
#include "sms/text.hpp"
#include "smpp/command_status.hpp"
#include "smpp/delivery_receipt.hpp"

namespace diskret::carrier {

/// One message to deliver; the pool encodes it per the chosen carrier's settings.
struct OutboundMessage {
  std::uint64_t message_id = 0;        ///< diskret's id (logs, outcome)
  std::string to_e164;                 ///< "+4915112345678": routing and destination_addr
  sms::SenderId from;
  std::string text;                    ///< UTF-8; never logged
  bool want_receipt = true;            ///< registered_delivery = 1
  std::optional<SystemTime> expires_at;  ///< stop retrying then; also sets validity_period
};

enum class SubmitResult : std::uint8_t {
  accepted,  ///< every part got submit_sm_resp status 0
  rejected,  ///< a permanent error status (e.g. ESME_RINVDSTADR), or unencodable
  expired,   ///< expires_at passed before the carrier accepted it
};

struct SubmitOutcome {
  std::uint64_t message_id = 0;
  SubmitResult result = SubmitResult::accepted;
  std::string carrier;                    ///< name of the carrier that answered
  /// message_id of each part, as the carrier sent it, in part order; when rejected or
  /// expired, only those of the parts that the carrier accepted.
  std::vector<std::string> carrier_ids;
  smpp::Status status = smpp::Status::ok; ///< the permanent error, when rejected
  std::string detail;                     ///< human sentence, no personal data
};

struct Receipt {
  std::string carrier;
  smpp::DeliveryReceipt receipt;   ///< parsed receipt (id as the carrier wrote it)
};

struct Inbound {
  std::string carrier;
  std::string from;  ///< as received (E.164 digits usually, without '+')
  std::string to;
  std::string text;  ///< UTF-8, concatenated parts reassembled
};

/// Call with true once the event is durable: the deliver_sm_resp is sent then (status 0);
/// false answers ESME_RX_T_APPN so the SMSC delivers it again later.
using Ack = std::function<void(bool durable)>;

/// Called on the pool's I/O thread: return quickly, never block.
struct Handlers {
  std::function<void(SubmitOutcome&&)> on_outcome;
  std::function<void(Receipt&&, Ack)> on_receipt;
  std::function<void(Inbound&&, Ack)> on_inbound;
};

struct LinkState {
  std::string carrier;
  unsigned bind = 0;
  bool bound = false;
  std::size_t in_flight = 0;
};

/// Counters since start (monotonic; for metrics and tests).
struct PoolStats {
  std::uint64_t submitted = 0;       ///< messages given to submit()
  std::uint64_t accepted = 0;        ///< outcomes by result
  std::uint64_t rejected = 0;
  std::uint64_t expired = 0;
  std::uint64_t submit_sm_sent = 0;  ///< submit_sm written, parts and resends included
  std::uint64_t throttled = 0;       ///< ESME_RTHROTTLED / ESME_RMSGQFUL answers
  std::uint64_t retried = 0;         ///< other transient answers and generic_nacks retried
  std::uint64_t resent = 0;          ///< parts requeued because their connection died
  std::uint64_t binds = 0;           ///< successful binds, reconnects included
  std::uint64_t receipts = 0;
  std::uint64_t bad_receipts = 0;    ///< unparseable receipts (acknowledged and dropped)
  std::uint64_t inbound = 0;         ///< complete MO texts
  std::uint64_t bad_inbound = 0;     ///< undecodable MO (acknowledged and dropped)
};

class CarrierPool {
 public:
  CarrierPool(std::vector<CarrierConfig> carriers, Handlers handlers, const Clock& clock);
  ~CarrierPool();  ///< stops if still running
  CarrierPool(const CarrierPool&) = delete;
  CarrierPool& operator=(const CarrierPool&) = delete;

  void start();  ///< connects and binds; returns at once
  /// Unbinds cleanly; messages without an outcome yet are reported nowhere (the caller
  /// still holds them as not submitted and resends them after restart). Waits for the I/O
  /// thread (at most a few seconds); must not be called from a handler. A pool starts once.
  void stop();

  /// Queues messages for submission; every one later gets exactly one on_outcome call
  /// (unless stop() comes first). Transient errors, throttling and dropped connections
  /// are retried inside the pool.
  void submit(std::vector<OutboundMessage>&& messages);
  /// Messages accepted by submit() without an outcome yet (for the caller's flow control).
  std::size_t pending() const;
  std::vector<LinkState> links() const;
  bool any_bound() const;
  /// Several nodes send through their own binds to the same carriers: each takes
  /// 1/`nodes` of every configured TPS limit, so together they keep it. Thread-safe.
  void set_node_count(std::size_t nodes);
  PoolStats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace diskret::carrier
