#pragma once
/// StatusTee: the pipeline has one EventSink; this one passes everything to another sink
/// (the inbound module's webhooks, or none), has the ReceiptMaker write the receipts of
/// final statuses in the same transaction and, once a commit is durable, tells the SMPP
/// server which tenants have receipts waiting (and which messages reached a final status,
/// for receipt requests it holds in memory only).
#include "pipeline/event_sink.hpp"
#include "smpp_server/receipt_maker.hpp"
#include "smpp_server/smpp_server.hpp"

namespace diskret::smpp_server {

class StatusTee final : public pipeline::EventSink {
 public:
  /// `inner` may be null: MOs are then acknowledged at once (nothing stores them).
  /// `receipts` may be null: receipts are then made in memory by `server` alone.
  StatusTee(pipeline::EventSink* inner, ReceiptMaker* receipts, SmppServer& server)
      : inner_(inner), receipts_(receipts), server_(server) {}

  Expected<void> write_status_events(store::WriteTransaction& tx,
                                     std::span<const pipeline::StatusEvent> events,
                                     std::int64_t now_ms) override;
  void status_events_committed(std::span<const pipeline::StatusEvent> events) override;
  void on_inbound(carrier::Inbound&& inbound, carrier::Ack ack) override;

 private:
  pipeline::EventSink* inner_;
  ReceiptMaker* receipts_;
  SmppServer& server_;
};

}  // namespace diskret::smpp_server
