#pragma once
/// EventSink: where the DurablePipeline reports what tenants may want to hear about
/// (webhooks): status changes of messages, inside the group commit that makes them, and
/// mobile-originated messages, which the sink makes durable and acknowledges itself. The
/// inbound module implements it; without a sink the pipeline refuses MOs (ack false), so
/// that the SMSC keeps them until something can store them.
#include <cstdint>
#include <optional>
#include <span>

#include "carrier/carrier_pool.hpp"
#include "core/expected.hpp"
#include "pipeline/message.hpp"
#include "store/store.hpp"

namespace diskret::pipeline {

/// A message moved to `status` (submitted, delivered, failed or expired).
struct StatusEvent {
  MessageId id;
  MessageStatus status = MessageStatus::submitted;
  std::optional<MessageError> error;  ///< with failed and expired
};

class EventSink {
 public:
  virtual ~EventSink() = default;

  /// Inside the writer's transaction, once per group commit with every status change it
  /// makes, so that what the sink writes commits together with them. Runs on the writer
  /// thread: be quick. An error fails (and retries) the whole commit: database errors only.
  virtual Expected<void> write_status_events(store::WriteTransaction& tx,
                                             std::span<const StatusEvent> events,
                                             std::int64_t now_ms) = 0;
  /// After the commit that wrote `events` is durable, once per such commit and in commit
  /// order (the writer may have written later commits already). Must not block.
  virtual void status_events_committed(std::span<const StatusEvent> events) = 0;
  /// An MO message: the sink stores it and calls `ack(true)` once it is durable (or
  /// `ack(false)` to have the SMSC deliver it again). Runs on the writer thread; must not
  /// block.
  virtual void on_inbound(carrier::Inbound&& inbound, carrier::Ack ack) = 0;
};

}  // namespace diskret::pipeline
