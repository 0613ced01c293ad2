#include "pipeline/dispatcher.hpp"

#include <algorithm>
#include <limits>

#include "pipeline/sealed_fields.hpp"
#include "sms/sender_id.hpp"

namespace diskret::pipeline {

Dispatcher::Dispatcher(store::Store& store, store::KeyRing& keys, const Clock& clock,
                       DispatcherConfig config)
    : store_(store), keys_(keys), clock_(clock), config_(config) {}

Expected<void> Dispatcher::resume() {
  overflow_ = true;
  cursor_ = 0;
  auto due = store_.next_send_at(std::numeric_limits<std::int64_t>::min());
  if (!due) return unexpected(due.error());
  next_due_ms_ = *due;
  return {};
}

void Dispatcher::offer(DispatchItem&& item) {
  if (!overflow_ && queue_.size() < config_.memory_queue) {
    queued_ids_.insert(item.id);
    queue_.push_back(std::move(item));
    return;
  }
  // Ids are assigned before the commit, so one committed now may be lower than the paging
  // cursor: move the cursor back so the page scan cannot miss it.
  rescan_from(item.id);
}

void Dispatcher::rescan_from(std::uint64_t id) {
  cursor_ = overflow_ ? std::min(cursor_, id - 1) : id - 1;
  overflow_ = true;
}

void Dispatcher::offer_scheduled(std::int64_t send_at_ms) {
  next_due_ms_ = next_due_ms_ ? std::min(*next_due_ms_, send_at_ms) : send_at_ms;
}

void Dispatcher::take(std::vector<store::MessageRecord>&& rows, std::vector<StatusChange>& settle) {
  for (auto& r : rows) {
    if (claimed(r.id)) continue;
    const std::uint64_t id = r.id;
    // Now claimed by this node: the page scan (or the due scan) finds it again.
    if (!enqueue_record(std::move(r), settle)) {
      rescan_from(id);
      offer_scheduled(clock_.now_ms());
    }
  }
}

void Dispatcher::forget_queued() {
  queue_.clear();
  queued_ids_.clear();
  overflow_ = true;
  cursor_ = 0;
}

bool Dispatcher::has_work(std::int64_t now_ms) const {
  if (outstanding_.size() >= config_.max_in_flight) return false;
  return !queue_.empty() || overflow_ || (next_due_ms_ && *next_due_ms_ <= now_ms);
}

std::string Dispatcher::settled(std::uint64_t id) {
  auto it = outstanding_.find(id);
  if (it == outstanding_.end()) return {};
  std::string request_id = std::move(it->second);
  outstanding_.erase(it);
  return request_id;
}

bool Dispatcher::erased_since_queued(const DispatchItem& item) {
  // The queue holds plaintext taken before an erasure may have run (the erasure fails the
  // stored row; this copy must not reach a carrier either).
  return keys_.erased(item.tenant, item.to);
}

Expected<void> Dispatcher::enqueue_record(store::MessageRecord&& r,
                                          std::vector<StatusChange>& settle) {
  auto payload = open_payload(keys_, r);
  if (!payload && !payload_gone(payload.error())) {
    return unexpected(payload.error());  // the key store is away: the row stays pending
  }
  if (!payload) {
    // Erased (its key destroyed) or damaged: it can never be sent.
    const bool erased = payload.error().code == make_error_code(Errc::not_found);
    outstanding_.emplace(r.id, std::move(r.request_id));
    settle.push_back(undeliverable(r.id, erased ? "erased" : "unreadable",
                                   erased ? "The recipient's data was erased before sending."
                                          : "The stored message could not be decrypted."));
    return {};
  }
  queued_ids_.insert(r.id);
  queue_.push_back(DispatchItem{r.id, r.tenant_id, std::move(payload->to), std::move(r.sender),
                                std::move(payload->text), r.expires_at_ms,
                                std::move(r.request_id)});
  return {};
}

void Dispatcher::preload_keys(const std::vector<store::MessageRecord>& rows) {
  // A backlog has more people than the key cache holds: one key store read per page, not
  // one per message (on PostgreSQL, one round trip instead of hundreds).
  std::vector<std::uint64_t> subjects;
  subjects.reserve(rows.size());
  for (const auto& r : rows) {
    if (r.subject_id && !claimed(r.id)) subjects.push_back(*r.subject_id);
  }
  keys_.preload_subjects(std::move(subjects));
}

Expected<void> Dispatcher::load_page(std::vector<StatusChange>& settle) {
  auto rows = store_.pending_messages(cursor_, config_.page_size);
  if (!rows) return unexpected(rows.error());
  preload_keys(*rows);
  for (auto& r : *rows) {
    const std::uint64_t id = r.id;
    if (!claimed(id)) {
      // The rest of the page is read again once the key store answers.
      if (auto ok = enqueue_record(std::move(r), settle); !ok) {
        cursor_ = id - 1;
        return ok;
      }
    }
    cursor_ = std::max(cursor_, id);
  }
  // The writer commits on this same thread, so nothing can slip in between the page read
  // and this decision.
  if (rows->size() < config_.page_size) overflow_ = false;
  return {};
}

Expected<void> Dispatcher::load_due(std::int64_t now_ms, std::vector<StatusChange>& settle) {
  // Room for every claimed row on top of a page: a short answer then means "all seen".
  const std::size_t limit = config_.page_size + config_.max_in_flight + queue_.size();
  auto rows = store_.due_messages(now_ms, limit);
  if (!rows) return unexpected(rows.error());
  preload_keys(*rows);
  const bool complete = rows->size() < limit;
  for (auto& r : *rows) {
    if (claimed(r.id)) continue;
    // Still due: the next batch reads it again.
    if (auto ok = enqueue_record(std::move(r), settle); !ok) return ok;
  }
  if (complete) {
    auto next = store_.next_send_at(now_ms);
    if (!next) return unexpected(next.error());
    next_due_ms_ = *next;
  }
  return {};
}

Expected<std::vector<carrier::OutboundMessage>> Dispatcher::next_batch(
    std::vector<StatusChange>& settle) {
  std::vector<carrier::OutboundMessage> out;
  const std::int64_t now_ms = clock_.now_ms();
  if (outstanding_.size() >= config_.max_in_flight) return out;
  // Due scheduled messages join the queue once per batch, even while it is not empty.
  if (next_due_ms_ && *next_due_ms_ <= now_ms) {
    if (auto ok = load_due(now_ms, settle); !ok) return unexpected(ok.error());
  }
  while (outstanding_.size() < config_.max_in_flight) {
    if (queue_.empty()) {
      if (!overflow_) break;
      // Each page moves the cursor forward, so this ends even if every row is claimed.
      if (auto ok = load_page(settle); !ok) {
        // What this batch took is outstanding already: it must go out.
        if (out.empty()) return unexpected(ok.error());
        break;
      }
      continue;
    }
    DispatchItem item = std::move(queue_.front());
    queue_.pop_front();
    queued_ids_.erase(item.id);
    outstanding_.emplace(item.id, std::move(item.request_id));
    if (item.expires_at_ms && *item.expires_at_ms <= now_ms) {
      settle.push_back(expired_before_submit(item.id));
      continue;
    }
    if (erased_since_queued(item)) {
      settle.push_back(undeliverable(item.id, "erased",
                                     "The recipient's data was erased before sending."));
      continue;
    }
    auto from = sms::SenderId::parse(item.from);
    if (!from) {
      settle.push_back(undeliverable(item.id, "invalid_sender", "The sender id cannot be sent."));
      continue;
    }
    carrier::OutboundMessage m;
    m.message_id = item.id;
    m.to_e164 = std::move(item.to);
    m.from = std::move(*from);
    m.text = std::move(item.text);
    if (item.expires_at_ms) {
      m.expires_at = SystemTime{std::chrono::milliseconds{*item.expires_at_ms}};
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace diskret::pipeline
