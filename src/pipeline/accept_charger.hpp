#pragma once
/// AcceptCharger: prepaid credit paid inside the writer's transaction. The pipeline asks
/// it for every new request (inside the request's savepoint, before its messages are
/// written) and for every group commit's status events (refunds). Because the debit, the
/// balance check and the messages share one SQLite write transaction, and SQLite allows
/// one writer at a time, no interleaving of senders can spend the same cent twice. The
/// billing module implements it; without a charger nothing is charged.
#include <cstdint>
#include <span>
#include <vector>

#include "core/expected.hpp"
#include "pipeline/event_sink.hpp"
#include "pipeline/message.hpp"
#include "store/store.hpp"

namespace diskret::pipeline {

class AcceptCharger {
 public:
  virtual ~AcceptCharger() = default;

  /// Debits the price of every message not rejected yet, in order; a message the balance
  /// cannot pay is marked rejected ("insufficient_credit") instead. Returns how many it
  /// marked. An error fails the whole commit: database errors only.
  virtual Expected<std::size_t> charge(store::WriteTransaction& tx, TenantId tenant,
                                       std::vector<NewMessage>& messages,
                                       const std::vector<MessageId>& ids, std::int64_t now_ms) = 0;
  /// Refunds messages the carrier refused for good (failed), once per message.
  virtual Expected<void> settle(store::WriteTransaction& tx, std::span<const StatusEvent> events,
                                std::int64_t now_ms) = 0;
  /// After every successful commit (e.g. to raise low-balance alerts). Must not block.
  virtual void committed() = 0;
};

}  // namespace diskret::pipeline
