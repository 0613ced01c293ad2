// DurablePipeline: the public side (accept, reads, carrier handlers, start/stop). The
// writer thread's side is in pipeline_writer.cpp.
#include "pipeline/durable_pipeline.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/thread_name.hpp"
#include "pipeline/sealed_fields.hpp"

namespace diskret::pipeline {
namespace {

SystemTime from_ms(std::int64_t ms) { return SystemTime{std::chrono::milliseconds{ms}}; }

std::optional<SystemTime> from_ms(const std::optional<std::int64_t>& ms) {
  if (!ms) return std::nullopt;
  return from_ms(*ms);
}

// The API validated every recipient; a message meant for sending that does not carry an
// E.164 number is a caller bug, refused before anything is written.
Expected<void> validate(const AcceptRequest& request, const std::vector<MessageId>& ids) {
  if (ids.size() != request.messages.size()) {
    return fail(Errc::invalid_argument, "one preassigned id per message is needed");
  }
  for (std::size_t i = 0; i < request.messages.size(); ++i) {
    const NewMessage& m = request.messages[i];
    if (!m.rejected && !looks_like_e164(m.to)) {
      return fail(Errc::invalid_argument, fmt::format("recipient {} is not an E.164 number", i));
    }
  }
  return {};
}

}  // namespace

DurablePipeline::DurablePipeline(store::Store& store, store::KeyRing& keys, const Clock& clock,
                                 PipelineConfig config)
    : store_(store),
      keys_(keys),
      clock_(clock),
      config_(config),
      ids_(clock),
      claims_(store.claims()),
      dispatcher_(store, keys, clock,
                  DispatcherConfig{config.max_in_flight, config.memory_queue, config.page_size}) {}

DurablePipeline::~DurablePipeline() { stop(); }

carrier::Handlers DurablePipeline::carrier_handlers() {
  // Called on the carrier's thread: queue and wake the writer, nothing more. When the
  // pipeline is not running, receipts and MO are refused so the carrier sends them again.
  carrier::Handlers h;
  h.on_outcome = [this](carrier::SubmitOutcome&& o) {
    enqueue([&](Work& w) { w.outcomes.push_back(std::move(o)); });
  };
  h.on_receipt = [this](carrier::Receipt&& r, carrier::Ack ack) {
    if (!enqueue([&](Work& w) { w.receipts.emplace_back(std::move(r), ack); })) ack(false);
  };
  h.on_inbound = [this](carrier::Inbound&& in, carrier::Ack ack) {
    if (!enqueue([&](Work& w) { w.inbound.emplace_back(std::move(in), ack); })) ack(false);
  };
  return h;
}

bool DurablePipeline::enqueue(const std::function<void(Work&)>& add) {
  {
    std::lock_guard lock(mutex_);
    if (!running_ || stopping_) return false;
    add(queued_);
    idle_ = false;
  }
  work_cv_.notify_one();
  return true;
}

Expected<void> DurablePipeline::start(Carrier& carrier) {
  {
    std::lock_guard lock(mutex_);
    if (running_) return fail(Errc::invalid_argument, "pipeline already started");
  }
  auto max_id = store_.max_message_id();
  if (!max_id) return unexpected(max_id.error());
  ids_.advance_past(*max_id);
  if (claims_) {
    // Several nodes: ids carry this node's slot, so no other node makes the same one.
    auto live = claims_->heartbeat(clock_.now_ms());
    if (!live) return unexpected(live.error());
    if (!claims_->slot()) return fail(Errc::unavailable, "this node holds no message id slot");
    ids_.set_slot(claims_->slot());
    live_nodes_ = claims_->live_nodes();
    carrier.set_node_count(live_nodes_);
    publish_node_count();
    next_heartbeat_ms_ = clock_.now_ms() + claims_->lease().count() / 3;
    next_take_over_ms_ = clock_.now_ms();
    claims_ok_ = true;
    spdlog::info("pipeline: node {} holds id slot {} ({} live node(s))", claims_->node_id(),
                 *claims_->slot(), live_nodes_);
  }
  draining_ = false;
  auto depth = store_.count_accepted();
  if (!depth) return unexpected(depth.error());
  counters_.queue_depth = static_cast<std::int64_t>(*depth);
  if (auto ok = dispatcher_.resume(); !ok) return ok;
  // An empty transaction proves the write lock can be taken (readiness).
  auto probe = store_.begin();
  if (!probe) return unexpected(probe.error());
  if (auto ok = (*probe)->commit(); !ok) return ok;
  probe->reset();
  writable_ = true;
  carrier_ = &carrier;
  std::lock_guard lock(mutex_);
  running_ = true;
  stopping_ = false;
  idle_ = false;
  {
    std::lock_guard sync_lock(sync_mutex_);
    sync_stop_ = false;
  }
  syncer_ = core::named_thread("syncer", [this] { run_syncer(); });
  writer_ = core::named_thread("writer", [this] { run_writer(); });
  return {};
}

void DurablePipeline::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!running_) return;
    stopping_ = true;
  }
  work_cv_.notify_one();
  writer_.join();  // answers every group commit it wrote once the syncer made it durable
  {
    std::lock_guard sync_lock(sync_mutex_);
    sync_stop_ = true;
  }
  sync_cv_.notify_one();
  syncer_.join();
  if (claims_) {
    // The other nodes take what this node still held at once, not after its lease.
    if (auto released = claims_->release()) {
      spdlog::info("pipeline: released {} accepted message(s) to the other nodes", *released);
    } else {
      spdlog::warn("pipeline: releasing the claims failed, the other nodes take them over "
                   "when the lease ends: {}", released.error().message());
    }
  }
  Work left;
  {
    std::lock_guard lock(mutex_);
    running_ = false;
    left = std::move(queued_);
    queued_ = Work{};
    queued_messages_ = 0;
    idle_ = true;
  }
  idle_cv_.notify_all();
  // Not durable: the carrier delivers receipts again later; callers see 503.
  for (auto& a : left.accepts) a.done(fail(Errc::unavailable, "the pipeline is stopping"));
  for (auto& [receipt, ack] : left.receipts) ack(false);
  for (auto& [inbound, ack] : left.inbound) ack(false);
  carrier_ = nullptr;
}

void DurablePipeline::on_node_count(std::function<void(std::size_t)> listener) {
  std::lock_guard lock(node_count_mutex_);
  node_count_listener_ = std::move(listener);
  if (const std::size_t n = published_nodes_.load(); n > 0 && node_count_listener_) {
    node_count_listener_(n);
  }
}

void DurablePipeline::publish_node_count() {
  published_nodes_ = live_nodes_;
  std::lock_guard lock(node_count_mutex_);
  if (node_count_listener_) node_count_listener_(live_nodes_);
}

void DurablePipeline::wake() {
  {
    std::lock_guard lock(mutex_);
    wake_ = true;
    idle_ = false;
  }
  work_cv_.notify_one();
}

bool DurablePipeline::drain(std::chrono::milliseconds timeout) {
  draining_ = true;
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    bool empty = false;
    {
      std::lock_guard lock(mutex_);
      empty = !running_ || (in_flight_.load() == 0 && queued_.outcomes.empty());
    }
    if (empty) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
}

bool DurablePipeline::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_cv_.wait_for(lock, timeout, [&] { return idle_; });
}

std::vector<MessageId> DurablePipeline::preassign(std::size_t count) { return ids_.next(count); }

void DurablePipeline::accept(AcceptRequest&& request, const std::vector<MessageId>& ids,
                             Done done) {
  PendingAccept pending{std::move(request), ids, std::move(done), std::nullopt};
  if (auto ok = validate(pending.request, ids); !ok) pending.refusal = ok.error();
  const std::size_t n = pending.request.messages.size();
  {
    std::unique_lock lock(mutex_);
    if (!running_ || stopping_) {
      lock.unlock();
      pending.done(fail(Errc::unavailable, "the pipeline is not running"));
      return;
    }
    if (!writable_) {
      // The writer probes the database until it writes again (see retry_due()).
      lock.unlock();
      pending.done(pending.refusal ? unexpected(*pending.refusal)
                                   : fail(Errc::unavailable, "The database cannot write now."));
      return;
    }
    if (!pending.refusal && queued_messages_ + n > config_.max_queued_messages) {
      pending.refusal = Error{make_error_code(Errc::unavailable), "too many messages waiting"};
    }
    queued_messages_ += room(pending);
    queued_.accepts.push_back(std::move(pending));
    idle_ = false;
  }
  work_cv_.notify_one();
}

Expected<std::optional<std::pair<std::string, std::string>>> DurablePipeline::find_idempotent(
    TenantId tenant, const std::string& key) {
  auto record = store_.idempotency(tenant.value, key);
  if (!record) return unexpected(record.error());
  if (!*record) return std::optional<std::pair<std::string, std::string>>{};
  auto keys = keys_.tenant(tenant.value);
  if (!keys) return unexpected(keys.error());
  auto entry = open_idempotency((*keys)->data_key, **record);
  if (!entry) return unexpected(entry.error());
  return std::optional{std::move(*entry)};
}

Expected<MessageView> DurablePipeline::to_view(store::MessageRecord&& r) {
  MessageView v;
  auto payload = open_payload(keys_, r);
  if (payload) {
    v.to = std::move(payload->to);
    v.client_ref = std::move(payload->client_ref);
  } else if (payload.error().code != make_error_code(Errc::not_found)) {
    return unexpected(payload.error());  // tampered or damaged; erased shows no number
  }
  v.id = MessageId{r.id};
  v.from = std::move(r.sender);
  v.status = static_cast<MessageStatus>(r.status);
  v.category = static_cast<Category>(r.category);
  v.segments = r.segments;
  v.encoding = std::move(r.encoding);
  v.created_at = from_ms(MessageIdGenerator::created_ms(v.id));
  v.submitted_at = from_ms(r.submitted_at_ms);
  v.done_at = from_ms(r.done_at_ms);
  if (!r.error_code.empty()) v.error = MessageError{std::move(r.error_code), std::move(r.error_detail)};
  return v;
}

Expected<MessageView> DurablePipeline::get(TenantId tenant, MessageId id) {
  auto record = store_.message(tenant.value, id.value);
  if (!record) return unexpected(record.error());
  if (!*record) return fail(Errc::not_found, "No such message.");
  return to_view(std::move(**record));
}

Expected<std::vector<MessageView>> DurablePipeline::list(TenantId tenant,
                                                         const MessageFilter& filter) {
  std::vector<MessageView> out;
  if (filter.campaign) return list_campaign(tenant, filter);
  store::MessageQuery q;
  q.tenant_id = tenant.value;
  if (filter.status) q.status = static_cast<std::uint8_t>(*filter.status);
  const auto ms = [](SystemTime t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  };
  if (filter.since) q.since_ms = ms(*filter.since);
  if (filter.until) q.until_ms = ms(*filter.until);
  if (filter.after) q.before_id = filter.after->value;
  q.limit = filter.limit;
  auto records = store_.messages(q);
  if (!records) return unexpected(records.error());
  out.reserve(records->size());
  for (auto& r : *records) {
    auto view = to_view(std::move(r));
    if (!view) return unexpected(view.error());
    out.push_back(std::move(*view));
  }
  return out;
}

// The campaign's ids, newest first, each read like GET /v1/messages/{id} and filtered here.
Expected<std::vector<MessageView>> DurablePipeline::list_campaign(TenantId tenant,
                                                                  const MessageFilter& filter) {
  std::vector<MessageView> out;
  if (!campaign_messages_) return out;
  auto ids = campaign_messages_(tenant.value, *filter.campaign);
  if (!ids) return unexpected(ids.error());
  for (auto it = ids->rbegin(); it != ids->rend() && out.size() < filter.limit; ++it) {
    if (filter.after && *it >= filter.after->value) continue;
    auto view = get(tenant, MessageId{*it});
    if (!view) {
      if (view.error().code == make_error_code(Errc::not_found)) continue;  // retention
      return unexpected(view.error());
    }
    if (filter.status && view->status != *filter.status) continue;
    if (filter.since && view->created_at < *filter.since) continue;
    if (filter.until && view->created_at >= *filter.until) continue;
    out.push_back(std::move(*view));
  }
  return out;
}

Stats DurablePipeline::stats() const {
  Stats s;
  s.accepted = counters_.accepted;
  s.submitted = counters_.submitted;
  s.delivered = counters_.delivered;
  s.failed = counters_.failed;
  s.expired = counters_.expired;
  s.rejected = counters_.rejected;
  s.receipts_unknown = counters_.receipts_unknown;
  s.inbound = counters_.inbound;
  s.queue_depth = static_cast<std::uint64_t>(std::max<std::int64_t>(counters_.queue_depth, 0));
  s.in_flight = in_flight_.load();
  std::lock_guard lock(mutex_);
  s.commit_queue = queued_messages_;
  return s;
}

bool DurablePipeline::ready() const {
  Carrier* carrier = carrier_.load();
  return writable_ && claims_ok_ && carrier != nullptr && carrier->any_bound();
}

}  // namespace diskret::pipeline
