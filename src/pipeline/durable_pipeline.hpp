#pragma once
/// DurablePipeline: the Pipeline on a Store. One writer thread owns every write: it takes
/// all queued requests, outcomes and receipts at once, writes them in ONE transaction
/// (group commit; key store first, then the data), and only after the COMMIT answers the
/// callers and acknowledges receipts. The same thread runs the Dispatcher, so paging the
/// backlog never races with a commit. Reads (get, list) run on the caller's thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "carrier/carrier_pool.hpp"
#include "core/clock.hpp"
#include "pipeline/carrier.hpp"
#include "pipeline/dispatcher.hpp"
#include "pipeline/accept_charger.hpp"
#include "pipeline/event_sink.hpp"
#include "pipeline/message_ids.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/status_changes.hpp"
#include "store/key_ring.hpp"
#include "store/message_claims.hpp"
#include "store/store.hpp"

namespace diskret::pipeline {

struct PipelineConfig {
  /// Messages handed to the carriers without an outcome (see in_flight_limit()).
  std::size_t max_in_flight = 256;
  /// Committed messages kept in memory for dispatch; beyond that they are paged from disk.
  std::size_t memory_queue = 20'000;
  std::size_t page_size = 512;
  /// Accepted but not yet committed; beyond that accept() answers Errc::unavailable.
  std::size_t max_queued_messages = 200'000;
  /// Messages per group commit (whole requests; at least one request).
  std::size_t max_commit_messages = 20'000;
  /// While a group commit waits for its sync, the next one is written at once only when
  /// at least this many messages are queued; fewer wait for the sync and join the commit
  /// after it. Every commit rewrites the log pages its rows touched (the tails of the
  /// tables and indexes): at 5,000 single requests/s the writer made 2,800 commits of 1-2
  /// messages per second, with this 900, and the p99 accept latency fell from 20 to 12-15 ms
  /// on the 2-core test machine. A busy queue still writes beside the sync. 0: always at once.
  std::size_t overlap_commit_messages = 16;
  /// How often the writer looks again without being woken (scheduled messages, retries
  /// after a failed commit).
  std::chrono::milliseconds idle_wakeup{250};
  /// Several nodes on one database (Store::claims()): how often a node looks for messages
  /// to take over (given back by a node that shut down, or of a node whose lease expired).
  /// Its heartbeat renews its lease every third of the lease.
  std::chrono::milliseconds claim_interval{1000};
};

class DurablePipeline final : public Pipeline {
 public:
  DurablePipeline(store::Store& store, store::KeyRing& keys, const Clock& clock,
                  PipelineConfig config = {});
  ~DurablePipeline() override;  ///< stop()s
  DurablePipeline(const DurablePipeline&) = delete;
  DurablePipeline& operator=(const DurablePipeline&) = delete;

  /// For the CarrierPool's constructor. They only queue work and wake the writer.
  carrier::Handlers carrier_handlers();
  /// Status changes and MO messages go to `sink` (webhooks, keywords); set before start().
  void set_event_sink(EventSink* sink) { event_sink_ = sink; }
  /// New messages are paid for (and refunded) through `charger`; set before start().
  void set_charger(AcceptCharger* charger) { charger_ = charger; }
  /// The message ids of a campaign (ascending), for the `campaign` filter of list();
  /// unset: no message belongs to a campaign. Set before requests are served.
  using CampaignMessages = std::function<Expected<std::vector<std::uint64_t>>(
      std::uint64_t tenant, const std::string& campaign)>;
  void set_campaign_messages(CampaignMessages lookup) { campaign_messages_ = std::move(lookup); }
  /// Several nodes on one database: `listener` is told the number of live nodes now and
  /// whenever it changes (on the writer thread), e.g. to share rate limits. Never called
  /// on a single-node store.
  void on_node_count(std::function<void(std::size_t)> listener);
  /// Starts the writer thread and resumes everything still accepted in the store.
  Expected<void> start(Carrier& carrier);
  /// Graceful shutdown, before stopping the carrier: hands no more messages to it and
  /// waits (up to `timeout`) until every one handed out has its outcome committed. True
  /// when nothing is left in flight.
  bool drain(std::chrono::milliseconds timeout);
  /// Commits what is queued, then stops the writer. Stop the carrier first: outcomes that
  /// arrive later are dropped (those messages are sent again after the next start). With
  /// several nodes, this node's accepted messages are then released to the others.
  void stop();
  /// Makes the writer look at the clock now (scheduled messages after a FakeClock moved).
  void wake();
  /// Waits until nothing is queued and nothing can be dispatched now. For tests/shutdown.
  bool wait_idle(std::chrono::milliseconds timeout);

  // Pipeline
  std::vector<MessageId> preassign(std::size_t count) override;
  /// `done` runs on the syncer thread as soon as the group commit is durable (on the writer
  /// thread when the commit failed); only when the pipeline is not running, or the last
  /// commit failed and the database has not written since, it runs at once on the caller's
  /// thread (with Errc::unavailable): a locked or full database answers at once instead of
  /// after a busy timeout per request.
  void accept(AcceptRequest&& request, const std::vector<MessageId>& ids,
              std::function<void(Expected<AcceptResult>)> done) override;
  Expected<std::optional<std::pair<std::string, std::string>>> find_idempotent(
      TenantId tenant, const std::string& key) override;
  Expected<MessageView> get(TenantId tenant, MessageId id) override;
  Expected<std::vector<MessageView>> list(TenantId tenant, const MessageFilter& filter) override;
  Stats stats() const override;
  bool ready() const override;
  std::optional<unsigned> id_slot() const override { return ids_.slot(); }

 private:
  Expected<std::vector<MessageView>> list_campaign(TenantId tenant, const MessageFilter& filter);
  using Done = std::function<void(Expected<AcceptResult>)>;
  struct PendingAccept {
    AcceptRequest request;
    std::vector<MessageId> ids;
    Done done;
    std::optional<Error> refusal;  // answered without writing
  };
  /// What a request holds of the queue limit until it is answered (a refused one: nothing).
  static std::size_t room(const PendingAccept& a) {
    return a.refusal ? 0 : a.request.messages.size();
  }
  struct Work {
    std::deque<PendingAccept> accepts;
    std::vector<carrier::SubmitOutcome> outcomes;
    std::vector<std::pair<carrier::Receipt, carrier::Ack>> receipts;
    std::vector<std::pair<carrier::Inbound, carrier::Ack>> inbound;
    bool empty() const {
      return accepts.empty() && outcomes.empty() && receipts.empty() && inbound.empty();
    }
  };
  /// The answers to the requests of a group commit. The syncer sends them right after the
  /// sync that made it durable: the writer may be in the middle of its next group by then.
  struct Answers {
    std::uint64_t seq = 0;
    std::vector<std::pair<Done, Expected<AcceptResult>>> accepts;
    std::size_t messages = 0;  // their room in the queue limit
  };
  struct Counters {
    std::atomic<std::uint64_t> accepted{0}, submitted{0}, delivered{0}, failed{0}, expired{0},
        rejected{0}, receipts_unknown{0}, inbound{0};
    std::atomic<std::int64_t> queue_depth{0};
  };

  /// A group commit written but not yet on disk: its messages go to the dispatcher and
  /// its receipts are acknowledged once the syncer synced it.
  struct Committed {
    std::uint64_t seq = 0;
    Work work;
    std::vector<bool> fresh;  // per accept: written now (not refused, not a replay)
    std::vector<StatusChange> changes;
    std::vector<bool> changed;
    std::vector<ReceiptEffect> effects;
    std::int64_t now_ms = 0;
    std::vector<StatusEvent> events;  // written to the event sink
  };

  // Writer thread.
  void run_writer();
  bool take_work(Work& work);
  void commit_cycle(Work& work);
  /// Answers every group commit the syncer has made durable, oldest first.
  void complete_synced();
  /// Waits until every group commit written so far is durable, then answers them.
  void drain_unsynced();
  void after_commit(Committed& cycle);
  // Syncer thread: Store::sync() of the newest group commit, while the writer goes on.
  void run_syncer();
  void send_answers(std::vector<Answers>& due);
  void after_failure(Work& work, const Error& error);
  Expected<std::vector<StatusEvent>> write_status_events(store::WriteTransaction& tx,
                                            const std::vector<bool>& changed,
                                            const std::vector<ReceiptEffect>& effects,
                                            std::int64_t now_ms);
  Expected<void> settle_charges(store::WriteTransaction& tx, const std::vector<bool>& changed,
                                const std::vector<ReceiptEffect>& effects, std::int64_t now_ms);
  void dispatch();
  /// Several nodes: renews the lease (every third of it), takes over messages of nodes
  /// that are gone (every claim_interval) and drops the queue when the lease was lost.
  void keep_claims();
  std::chrono::milliseconds wait_time() const;
  /// Pending changes to commit again, or a probe of a database that failed to write.
  bool retry_due(std::chrono::steady_clock::time_point now) const;
  void count_final(MessageStatus status);
  void count_accepted(const AcceptRequest& request);
  void answered(const Work& work);
  void free_room(std::size_t messages);

  bool enqueue(const std::function<void(Work&)>& add);
  Expected<MessageView> to_view(store::MessageRecord&& record);

  store::Store& store_;
  store::KeyRing& keys_;
  const Clock& clock_;
  const PipelineConfig config_;
  MessageIdGenerator ids_;
  Counters counters_;
  std::atomic<Carrier*> carrier_{nullptr};
  std::atomic<EventSink*> event_sink_{nullptr};
  std::atomic<AcceptCharger*> charger_{nullptr};
  CampaignMessages campaign_messages_;
  std::atomic<bool> writable_{false};  // false from a failed commit to the next good one
  std::atomic<std::uint64_t> in_flight_{0};
  store::MessageClaims* const claims_;     // nullptr: one node owns every message
  std::atomic<bool> claims_ok_{true};      // the last heartbeat or take-over worked
  std::atomic<bool> draining_{false};

  // Writer thread only.
  Dispatcher dispatcher_;
  std::vector<StatusChange> changes_;  // to commit; kept for a retry when a commit fails
  std::deque<Committed> unsynced_;     // written, waiting for the disk
  std::uint64_t committed_seq_ = 0;    // of the newest group commit written
  std::chrono::steady_clock::time_point retry_at_{};  // of changes_ or the write probe
  std::chrono::steady_clock::time_point dispatch_retry_at_{};  // after a failed read
  std::int64_t next_heartbeat_ms_ = 0;
  std::int64_t next_take_over_ms_ = 0;
  std::size_t live_nodes_ = 1;
  void publish_node_count();  // live_nodes_ to the carrier and the listener
  std::mutex node_count_mutex_;
  std::function<void(std::size_t)> node_count_listener_;  // guarded by node_count_mutex_
  std::atomic<std::size_t> published_nodes_{0};

  mutable std::mutex mutex_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  Work queued_;
  std::size_t queued_messages_ = 0;  // accepted, not yet answered
  bool running_ = false;
  bool stopping_ = false;
  bool wake_ = false;
  bool idle_ = true;
  std::thread writer_;
  std::uint64_t synced_seq_ = 0;  // (mutex_) newest group commit the syncer made durable

  std::mutex sync_mutex_;
  std::condition_variable sync_cv_;
  std::uint64_t sync_requested_ = 0;  // (sync_mutex_) newest group commit to make durable
  bool sync_keys_ = false;            // (sync_mutex_) a commit since the last sync wrote keys
  std::deque<Answers> answers_;       // (sync_mutex_) of group commits not yet synced
  bool sync_stop_ = false;            // (sync_mutex_)
  std::thread syncer_;
};

}  // namespace diskret::pipeline
