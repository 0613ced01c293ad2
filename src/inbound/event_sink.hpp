#pragma once
/// InboundEventSink: the pipeline's EventSink. Status changes become message.status
/// webhook events in the pipeline's own transaction (only for tenants with a webhook);
/// MO messages go to the MoIntake, which stores and acknowledges them.
#include "inbound/mo_intake.hpp"
#include "inbound/webhook_queue.hpp"
#include "pipeline/event_sink.hpp"
#include "store/webhook_store.hpp"

namespace diskret::inbound {

class InboundEventSink final : public pipeline::EventSink {
 public:
  InboundEventSink(store::WebhookStore& webhooks, WebhookQueue& queue, MoIntake& intake)
      : webhooks_(webhooks), queue_(queue), intake_(intake) {}

  // pipeline::EventSink
  Expected<void> write_status_events(store::WriteTransaction& tx,
                                     std::span<const pipeline::StatusEvent> events,
                                     std::int64_t now_ms) override;
  void status_events_committed(std::span<const pipeline::StatusEvent>) override { queue_.queued(); }
  void on_inbound(carrier::Inbound&& inbound, carrier::Ack ack) override {
    intake_.submit(std::move(inbound), std::move(ack));
  }

 private:
  store::WebhookStore& webhooks_;
  WebhookQueue& queue_;
  MoIntake& intake_;
};

}  // namespace diskret::inbound
