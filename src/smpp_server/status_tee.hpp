#pragma once
/// StatusTee: the pipeline has one EventSink; this one passes everything to another sink
/// (the inbound module's webhooks, or none) and, once a commit is durable, tells the SMPP
/// server which messages reached a final status so their receipts go out at once.
#include <mutex>
#include <vector>

#include "pipeline/event_sink.hpp"
#include "smpp_server/smpp_server.hpp"

namespace diskret::smpp_server {

class StatusTee final : public pipeline::EventSink {
 public:
  /// `inner` may be null: MOs are then acknowledged at once (nothing stores them).
  StatusTee(pipeline::EventSink* inner, SmppServer& server) : inner_(inner), server_(server) {}

  Expected<void> write_status_events(store::WriteTransaction& tx,
                                     std::span<const pipeline::StatusEvent> events,
                                     std::int64_t now_ms) override;
  void status_events_committed(std::span<const pipeline::StatusEvent> events) override;
  void on_inbound(carrier::Inbound&& inbound, carrier::Ack ack) override;

 private:
  pipeline::EventSink* inner_;
  SmppServer& server_;
};

}  // namespace diskret::smpp_server
