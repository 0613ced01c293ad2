// The writer thread of DurablePipeline: group commit, then dispatch.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "core/log_line.hpp"
#include "pipeline/accept_writer.hpp"
#include "pipeline/durable_pipeline.hpp"

namespace diskret::pipeline {
namespace {

std::int64_t to_ms(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// Message lines carry key=value words (fields in JSON logs): the message id the API
// answered and the request id, so one grep finds a message from acceptance to its receipt.
// Never a number or a text.
std::string_view or_dash(std::string_view s) { return s.empty() ? std::string_view("-") : s; }

// Carrier ids come from the carrier: only plain ones go into a log line (no forged lines).
std::string_view plain(std::string_view s) {
  if (s.empty()) return "-";
  return core::plain_token(s) ? s : std::string_view("(unprintable)");
}

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out.push_back(',');
    out += plain(id);
  }
  return out;
}

}  // namespace

std::chrono::milliseconds DurablePipeline::wait_time() const {
  auto wait = config_.idle_wakeup;
  if (auto due = dispatcher_.next_due_ms()) {
    wait = std::min(wait, std::chrono::milliseconds{std::max<std::int64_t>(*due - clock_.now_ms(), 0)});
  }
  const auto until = [](std::chrono::steady_clock::time_point t) {
    return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(
                        t - std::chrono::steady_clock::now()),
                    std::chrono::milliseconds{0});
  };
  if (!changes_.empty() || !writable_) wait = std::min(wait, until(retry_at_));
  if (!draining_ && dispatcher_.has_work(clock_.now_ms())) {
    wait = std::min(wait, until(dispatch_retry_at_));
  }
  return wait;
}

bool DurablePipeline::retry_due(std::chrono::steady_clock::time_point now) const {
  return (!changes_.empty() || !writable_) && now >= retry_at_;
}

// Takes what is queued (accepts up to max_commit_messages, all events). False: stop now.
bool DurablePipeline::take_work(Work& work) {
  const auto steady_now = std::chrono::steady_clock::now();
  const bool local = retry_due(steady_now) ||
                     (steady_now >= dispatch_retry_at_ && !draining_ &&
                      dispatcher_.has_work(clock_.now_ms()));
  std::unique_lock lock(mutex_);
  // A group commit the syncer has made durable waits to be answered.
  const auto synced = [&] { return !unsynced_.empty() && synced_seq_ >= unsynced_.front().seq; };
  // While a group commit waits for its sync, a small group waits for that sync too, and
  // goes into the commit after it (see PipelineConfig::overlap_commit_messages).
  const auto may_commit = [&] {
    if (stopping_ || synced_seq_ >= committed_seq_) return true;
    std::size_t n = 0;
    for (const auto& a : queued_.accepts) {
      n += a.request.messages.size();
      if (n >= config_.overlap_commit_messages) return true;
    }
    return false;
  };
  if (!local && (queued_.empty() || !may_commit()) && !wake_ && !stopping_ && !synced()) {
    if (unsynced_.empty()) {
      idle_ = true;
      idle_cv_.notify_all();
    }
    work_cv_.wait_for(lock, wait_time(), [&] {
      return (!queued_.empty() && may_commit()) || wake_ || stopping_ || synced();
    });
  }
  wake_ = false;
  idle_ = false;
  if (!may_commit()) return true;  // the dispatcher's turn; the queue waits for the sync
  std::size_t messages = 0;
  while (!queued_.accepts.empty()) {
    const std::size_t n = queued_.accepts.front().request.messages.size();
    if (!work.accepts.empty() && messages + n > config_.max_commit_messages) break;
    messages += n;
    work.accepts.push_back(std::move(queued_.accepts.front()));
    queued_.accepts.pop_front();
  }
  work.outcomes = std::exchange(queued_.outcomes, {});
  work.receipts = std::exchange(queued_.receipts, {});
  work.inbound = std::exchange(queued_.inbound, {});
  return !(stopping_ && work.accepts.empty());
}

// Group commits are pipelined: the writer commits one (Store's commit_unsynced()), hands
// it to the syncer thread and builds the next while the disk syncs; a group commit is
// answered only once it is durable. One sync covers every commit written before it
// started. The syncer answers the requests itself (202s) as soon as its sync returns; the
// writer acknowledges the receipts and offers the messages to the dispatcher when it
// next looks (complete_synced()).
void DurablePipeline::run_writer() {
  constexpr std::size_t kMaxUnsynced = 8;
  for (;;) {
    Work work;
    const bool go_on = take_work(work);
    complete_synced();
    for (auto& o : work.outcomes) changes_.push_back(change_from_outcome(std::move(o)));
    work.outcomes.clear();
    // With nothing to write, a retry is an empty transaction: it probes the database.
    const bool retry = retry_due(std::chrono::steady_clock::now());
    if (!work.empty() || retry || (!go_on && !changes_.empty())) commit_cycle(work);
    if (!go_on) return drain_unsynced();
    // The dispatcher may read rows of the store: only durable ones (a message must not
    // reach a carrier before its 202 could have been sent).
    if (unsynced_.size() >= kMaxUnsynced ||
        (!unsynced_.empty() && dispatcher_.has_work(clock_.now_ms()) &&
         dispatcher_.reads_store(clock_.now_ms()))) {
      drain_unsynced();
    }
    keep_claims();
    dispatch();
  }
}

void DurablePipeline::complete_synced() {
  std::uint64_t synced;
  {
    std::lock_guard lock(mutex_);
    synced = synced_seq_;
  }
  while (!unsynced_.empty() && unsynced_.front().seq <= synced) {
    Committed cycle = std::move(unsynced_.front());
    unsynced_.pop_front();
    after_commit(cycle);
    if (AcceptCharger* charger = charger_.load()) charger->committed();
    if (EventSink* sink = event_sink_.load(); sink && !cycle.events.empty()) {
      sink->status_events_committed(cycle.events);
    }
  }
}

void DurablePipeline::drain_unsynced() {
  if (unsynced_.empty()) return;
  {
    std::unique_lock lock(mutex_);
    work_cv_.wait(lock, [&] { return synced_seq_ >= committed_seq_; });
  }
  complete_synced();
}

void DurablePipeline::run_syncer() {
  std::unique_lock lock(sync_mutex_);
  std::uint64_t done = 0;
  for (;;) {
    sync_cv_.wait(lock, [&] { return sync_requested_ > done || sync_stop_; });
    if (sync_requested_ <= done) return;  // stopping, nothing left
    const std::uint64_t seq = sync_requested_;
    const store::Unsynced what{.keys = std::exchange(sync_keys_, false)};
    std::vector<Answers> due;
    while (!answers_.empty() && answers_.front().seq <= seq) {
      due.push_back(std::move(answers_.front()));
      answers_.pop_front();
    }
    lock.unlock();
    if (auto ok = store_.sync(what); !ok) {
      // The disk may have dropped what was written; a later fsync can report success for
      // the lost pages all the same. Nothing of it was answered: stop, and let the restart
      // recover from what is really on disk (as PostgreSQL does on an fsync failure).
      spdlog::critical("pipeline: syncing the database failed, stopping: {}", ok.error().message());
      std::abort();
    }
    // Answered before synced_seq_ moves on: stop() finds every request answered once the
    // writer saw its group commit synced.
    send_answers(due);
    {
      std::lock_guard state(mutex_);
      synced_seq_ = seq;
    }
    work_cv_.notify_one();
    done = seq;
    lock.lock();
  }
}

void DurablePipeline::send_answers(std::vector<Answers>& due) {
  std::size_t messages = 0;
  for (const auto& a : due) messages += a.messages;
  free_room(messages);
  for (auto& a : due) {
    for (auto& [done, result] : a.accepts) done(std::move(result));
  }
}

void DurablePipeline::commit_cycle(Work& work) {
  const std::int64_t now_ms = clock_.now_ms();
  std::vector<RequestResult> results;
  results.reserve(work.accepts.size());
  std::vector<bool> changed(changes_.size(), false);
  std::vector<ReceiptEffect> effects(work.receipts.size());

  auto tx = store_.begin();
  Expected<void> ok = tx ? Expected<void>{} : unexpected(tx.error());
  for (std::size_t i = 0; ok && i < work.accepts.size(); ++i) {
    PendingAccept& a = work.accepts[i];
    if (a.refusal) {
      results.emplace_back(unexpected(*a.refusal));
      continue;
    }
    auto written = write_accept(**tx, keys_, charger_.load(), a.request, a.ids, now_ms);
    if (!written) {
      ok = unexpected(written.error());
    } else {
      results.push_back(std::move(*written));
    }
  }
  for (std::size_t i = 0; ok && i < changes_.size(); ++i) {
    auto applied = apply_change(**tx, changes_[i], now_ms);
    if (!applied) ok = unexpected(applied.error());
    else changed[i] = *applied;
  }
  for (std::size_t i = 0; ok && i < work.receipts.size(); ++i) {
    auto effect = apply_receipt(**tx, work.receipts[i].first, now_ms);
    if (!effect) ok = unexpected(effect.error());
    else effects[i] = *effect;
  }
  std::vector<StatusEvent> status_events;
  if (ok) {
    auto written = write_status_events(**tx, changed, effects, now_ms);
    if (!written) ok = unexpected(written.error());
    else status_events = std::move(*written);
  }
  if (ok) ok = settle_charges(**tx, changed, effects, now_ms);
  store::Unsynced written;
  if (ok) {
    auto committed = (*tx)->commit_unsynced();
    if (committed) written = *committed;
    else ok = unexpected(committed.error());
  }
  // New subject keys are settled while the write lock is held: once it is free another
  // writer (contacts, inbound) may have keys of its own pending in the same KeyRing.
  if (ok) {
    keys_.publish_new_subjects();
  } else {
    keys_.discard_new_subjects();
  }
  if (tx) tx->reset();  // rolls back unless committed; frees the write lock
  if (!ok) return after_failure(work, ok.error());
  if (!writable_.exchange(true)) spdlog::info("pipeline: the database writes again");
  const std::uint64_t seq = ++committed_seq_;
  Answers answers{seq, {}, 0};
  answers.accepts.reserve(work.accepts.size());
  std::vector<bool> fresh(work.accepts.size(), false);
  for (std::size_t i = 0; i < work.accepts.size(); ++i) {
    PendingAccept& a = work.accepts[i];
    answers.messages += room(a);
    if (results[i] && !results[i]->replayed) {
      fresh[i] = true;
      count_accepted(a.request);  // before the 202 can be sent, so /metrics already shows it
    }
    answers.accepts.emplace_back(std::move(a.done), std::move(results[i]));
  }
  unsynced_.push_back(Committed{seq, std::move(work), std::move(fresh), std::exchange(changes_, {}),
                                std::move(changed), std::move(effects), now_ms,
                                std::move(status_events)});
  {
    std::lock_guard lock(sync_mutex_);
    sync_requested_ = seq;
    sync_keys_ = sync_keys_ || written.keys;
    answers_.push_back(std::move(answers));
  }
  sync_cv_.notify_one();
}

void DurablePipeline::after_failure(Work& work, const Error& error) {
  // Nothing of this cycle is stored; answer so that every party retries. Until a commit
  // succeeds again accept() refuses at once. The first retry (or probe) runs right away:
  // a request too big for a quota must not lock out the next one; later ones are paced.
  const auto now = std::chrono::steady_clock::now();
  if (writable_.exchange(false)) {
    spdlog::warn("pipeline: commit failed, {} request(s) answered unavailable: {}",
                 work.accepts.size(), error.message());
    retry_at_ = now;
  } else {
    spdlog::debug("pipeline: the database still cannot write: {}", error.message());
    retry_at_ = now + config_.idle_wakeup;
  }
  {
    // Requests queued during this attempt would wait for the next one: refuse them too.
    std::lock_guard lock(mutex_);
    for (auto& a : queued_.accepts) work.accepts.push_back(std::move(a));
    queued_.accepts.clear();
  }
  answered(work);
  for (auto& a : work.accepts) {
    a.done(a.refusal ? RequestResult(unexpected(*a.refusal))
                     : RequestResult(fail(Errc::unavailable, "The database cannot write now.")));
  }
  for (auto& [receipt, ack] : work.receipts) ack(false);
  for (auto& [inbound, ack] : work.inbound) ack(false);
}

// Frees the requests' room in the queue limit once they are answered.
void DurablePipeline::answered(const Work& work) {
  std::size_t n = 0;
  for (const auto& a : work.accepts) n += room(a);
  free_room(n);
}

void DurablePipeline::free_room(std::size_t messages) {
  std::lock_guard lock(mutex_);
  queued_messages_ -= std::min(queued_messages_, messages);
}

void DurablePipeline::count_final(MessageStatus status) {
  switch (status) {
    case MessageStatus::delivered: ++counters_.delivered; break;
    case MessageStatus::failed: ++counters_.failed; break;
    case MessageStatus::expired: ++counters_.expired; break;
    default: break;
  }
}

void DurablePipeline::count_accepted(const AcceptRequest& request) {
  for (const NewMessage& m : request.messages) {
    if (m.rejected) {
      ++counters_.rejected;
    } else {
      ++counters_.accepted;
      ++counters_.queue_depth;
    }
  }
}

void DurablePipeline::after_commit(Committed& cycle) {
  Work& work = cycle.work;
  const std::vector<StatusChange>& changes = cycle.changes;
  const std::vector<bool>& changed = cycle.changed;
  const std::vector<ReceiptEffect>& effects = cycle.effects;
  const std::int64_t now_ms = cycle.now_ms;
  for (std::size_t i = 0; i < work.accepts.size(); ++i) {
    if (!cycle.fresh[i]) continue;
    AcceptRequest& request = work.accepts[i].request;
    for (std::size_t j = 0; j < request.messages.size(); ++j) {
      NewMessage& m = request.messages[j];
      const MessageId id = work.accepts[i].ids[j];
      if (m.rejected) {
        spdlog::info("message rejected msg_id={} request_id={} code={}", format_message_id(id),
                     plain(request.request_id), or_dash(m.rejected->code));
        continue;
      }
      spdlog::info("message accepted msg_id={} request_id={} segments={}", format_message_id(id),
                   plain(request.request_id), m.segments);
      if (m.send_at && to_ms(*m.send_at) > now_ms) {
        dispatcher_.offer_scheduled(to_ms(*m.send_at));
        continue;
      }
      std::optional<std::int64_t> expires;
      if (m.expires_at) expires = to_ms(*m.expires_at);
      dispatcher_.offer(DispatchItem{id.value, request.tenant.value, std::move(m.to),
                                     std::move(m.from), std::move(m.text), expires,
                                     request.request_id});
    }
  }
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const StatusChange& c = changes[i];
    const std::string request_id = dispatcher_.settled(c.id);
    if (!changed[i]) continue;
    --counters_.queue_depth;  // every change starts from accepted
    if (c.status == MessageStatus::submitted) {
      ++counters_.submitted;
      spdlog::info("message submitted msg_id={} request_id={} carrier={} carrier_ids={}",
                   format_message_id(MessageId{c.id}), plain(request_id), or_dash(c.carrier),
                   or_dash(joined(c.carrier_ids)));
    } else {
      count_final(c.status);
      spdlog::info("message {} msg_id={} request_id={} code={}", status_name(c.status),
                   format_message_id(MessageId{c.id}), plain(request_id), or_dash(c.error.code));
    }
  }
  for (std::size_t i = 0; i < work.receipts.size(); ++i) {
    const ReceiptEffect& e = effects[i];
    if (!e.matched) {
      ++counters_.receipts_unknown;
      spdlog::debug("receipt for an unknown message carrier_id={}",
                    plain(work.receipts[i].first.receipt.id));
    }
    if (e.finished) {
      count_final(*e.finished);
      spdlog::info("message {} msg_id={} request_id={} carrier_id={}{}{}", status_name(*e.finished),
                   format_message_id(MessageId{e.message_id}), plain(e.request_id),
                   plain(work.receipts[i].first.receipt.id), e.error.code.empty() ? "" : " code=",
                   e.error.code);
    }
    work.receipts[i].second(true);
  }
  // MO messages go to the event sink, which stores and acknowledges them. Without one
  // (yet: during startup) nothing would store them, so the SMSC keeps them for later.
  EventSink* sink = event_sink_.load();
  for (auto& [inbound, ack] : work.inbound) {
    ++counters_.inbound;
    if (sink) {
      sink->on_inbound(std::move(inbound), std::move(ack));
    } else {
      ack(false);
    }
  }
  in_flight_ = dispatcher_.outstanding();
}

void DurablePipeline::keep_claims() {
  if (!claims_) return;
  const std::int64_t now = clock_.now_ms();
  const std::int64_t lease = claims_->lease().count();
  if (now >= next_heartbeat_ms_) {
    auto live = claims_->heartbeat(now);
    if (!live) {
      if (claims_ok_.exchange(false)) {
        spdlog::warn("pipeline: renewing this node's lease failed: {}", live.error().message());
      }
      next_heartbeat_ms_ = now + std::min<std::int64_t>(config_.claim_interval.count(), lease / 3);
      return;
    }
    claims_ok_ = true;
    next_heartbeat_ms_ = now + lease / 3;
    if (auto slot = claims_->slot(); slot && slot != ids_.slot()) {
      spdlog::warn("pipeline: node {} now holds id slot {}", claims_->node_id(), *slot);
      ids_.set_slot(slot);
    }
    if (claims_->live_nodes() != live_nodes_) {
      live_nodes_ = claims_->live_nodes();
      spdlog::info("pipeline: {} live node(s) share the carriers' TPS limits", live_nodes_);
      if (Carrier* carrier = carrier_.load()) carrier->set_node_count(live_nodes_);
      publish_node_count();
    }
    if (!*live) {
      // Others may hold what this node has queued: sending it too would duplicate it.
      spdlog::warn("pipeline: this node's lease had expired; dropping {} queued message(s) "
                   "and claiming afresh", dispatcher_.queued());
      dispatcher_.forget_queued();
      next_take_over_ms_ = now;
    }
  }
  if (draining_ || now < next_take_over_ms_) return;
  next_take_over_ms_ = now + config_.claim_interval.count();
  const std::size_t room = dispatcher_.room();
  if (room == 0) return;
  const std::size_t limit = std::min(room, config_.page_size);
  auto taken = claims_->take_over(now, limit);
  if (!taken) {
    if (claims_ok_.exchange(false)) {
      spdlog::warn("pipeline: taking over messages failed: {}", taken.error().message());
    }
    return;
  }
  claims_ok_ = true;
  if (taken->empty()) return;
  spdlog::info("pipeline: took over {} accepted message(s) of other nodes", taken->size());
  if (taken->size() == limit) next_take_over_ms_ = now;  // more are waiting
  std::vector<StatusChange> settle;
  dispatcher_.take(std::move(*taken), settle);
  for (auto& c : settle) changes_.push_back(std::move(c));
}

void DurablePipeline::dispatch() {
  Carrier* carrier = carrier_.load();
  if (!carrier || draining_ || std::chrono::steady_clock::now() < dispatch_retry_at_ ||
      !dispatcher_.has_work(clock_.now_ms())) {
    return;
  }
  std::vector<StatusChange> settle;
  auto batch = dispatcher_.next_batch(settle);
  for (auto& c : settle) changes_.push_back(std::move(c));
  if (!batch) {
    spdlog::warn("pipeline: reading messages to dispatch failed: {}", batch.error().message());
    dispatch_retry_at_ = std::chrono::steady_clock::now() + config_.idle_wakeup;
    return;
  }
  in_flight_ = dispatcher_.outstanding();
  if (!batch->empty()) carrier->submit(std::move(*batch));
}

}  // namespace diskret::pipeline
