// The status changes of one group commit, handed to the EventSink inside the transaction.
#include "pipeline/durable_pipeline.hpp"

namespace diskret::pipeline {
namespace {

std::optional<MessageError> error_of(MessageStatus status, const MessageError& error) {
  if (status == MessageStatus::submitted || status == MessageStatus::delivered) return std::nullopt;
  if (error.code.empty()) return std::nullopt;
  return error;
}

}  // namespace

Expected<std::size_t> DurablePipeline::write_status_events(
    store::WriteTransaction& tx, const std::vector<bool>& changed,
    const std::vector<ReceiptEffect>& effects, std::int64_t now_ms) {
  EventSink* sink = event_sink_.load();
  if (sink == nullptr) return 0;
  std::vector<StatusEvent> events;
  for (std::size_t i = 0; i < changes_.size(); ++i) {
    if (!changed[i]) continue;
    const StatusChange& c = changes_[i];
    events.push_back({MessageId{c.id}, c.status, error_of(c.status, c.error)});
  }
  for (const ReceiptEffect& e : effects) {
    if (!e.finished) continue;
    events.push_back({MessageId{e.message_id}, *e.finished, error_of(*e.finished, e.error)});
  }
  if (events.empty()) return 0;
  if (auto ok = sink->write_status_events(tx, events, now_ms); !ok) return unexpected(ok.error());
  return events.size();
}

}  // namespace diskret::pipeline
