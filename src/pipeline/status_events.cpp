// The status changes of one group commit, handed to the EventSink inside the transaction.
#include "pipeline/durable_pipeline.hpp"

namespace diskret::pipeline {
namespace {

std::optional<MessageError> error_of(MessageStatus status, const MessageError& error) {
  if (status == MessageStatus::submitted || status == MessageStatus::delivered) return std::nullopt;
  if (error.code.empty()) return std::nullopt;
  return error;
}

std::vector<StatusEvent> collect(const std::vector<StatusChange>& changes,
                                 const std::vector<bool>& changed,
                                 const std::vector<ReceiptEffect>& effects) {
  std::vector<StatusEvent> events;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (!changed[i]) continue;
    const StatusChange& c = changes[i];
    events.push_back({MessageId{c.id}, c.status, error_of(c.status, c.error)});
  }
  for (const ReceiptEffect& e : effects) {
    if (!e.finished) continue;
    events.push_back({MessageId{e.message_id}, *e.finished, error_of(*e.finished, e.error)});
  }
  return events;
}

}  // namespace

Expected<std::vector<StatusEvent>> DurablePipeline::write_status_events(
    store::WriteTransaction& tx, const std::vector<bool>& changed,
    const std::vector<ReceiptEffect>& effects, std::int64_t now_ms) {
  EventSink* sink = event_sink_.load();
  if (sink == nullptr) return std::vector<StatusEvent>{};
  std::vector<StatusEvent> events = collect(changes_, changed, effects);
  if (events.empty()) return events;
  if (auto ok = sink->write_status_events(tx, events, now_ms); !ok) return unexpected(ok.error());
  return events;
}

// Refunds ride in the same commit as the status change that settles the message failed.
Expected<void> DurablePipeline::settle_charges(store::WriteTransaction& tx,
                                               const std::vector<bool>& changed,
                                               const std::vector<ReceiptEffect>& effects,
                                               std::int64_t now_ms) {
  AcceptCharger* charger = charger_.load();
  if (charger == nullptr) return {};
  std::vector<StatusEvent> events = collect(changes_, changed, effects);
  std::erase_if(events, [](const StatusEvent& e) { return e.status != MessageStatus::failed; });
  if (events.empty()) return {};
  return charger->settle(tx, events, now_ms);
}

}  // namespace diskret::pipeline
