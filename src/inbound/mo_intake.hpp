#pragma once
/// MoIntake: mobile-originated messages from the carriers, on a thread of its own.
///  1. Stores each MO (one transaction per batch), sealed under the sender's subject key,
///     queues a message.inbound webhook event, and only then acknowledges it to the
///     carrier. An MO to a number no tenant has is counted, logged (masked) and dropped.
///  2. Applies keyword effects (plan_mo): suppression or its lifting, double opt-in
///     confirmation, an audit entry, and a reply decided by the ReplyPolicy.
///  3. Sends the reply through the Pipeline as a transactional message whose idempotency
///     key names the MO, so a reply is accepted (and charged) once however often step 3
///     runs again after a crash.
/// Each step records its progress durably (inbound_messages.handled,
/// keyword_replies.accepted), and start() resumes whatever a crash interrupted.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "carrier/carrier_pool.hpp"
#include "core/clock.hpp"
#include "inbound/keyword_effects.hpp"
#include "inbound/reply_policy.hpp"
#include "inbound/sealed_inbound.hpp"
#include "inbound/tenant_settings.hpp"
#include "inbound/webhook_queue.hpp"
#include "pipeline/message_ids.hpp"
#include "pipeline/pipeline.hpp"
#include "store/audit_trail.hpp"
#include "store/inbound_store.hpp"
#include "store/key_ring.hpp"
#include "store/store.hpp"
#include "store/webhook_store.hpp"

namespace diskret::inbound {

struct MoIntakeConfig {
  /// Region for reading a carrier's national-format destination address.
  std::string default_region = "DE";
  ReplyRules reply_rules;
  std::size_t max_batch = 256;  ///< MOs per storing transaction
  /// How long to wait before trying again after the database or the pipeline refused.
  std::chrono::milliseconds retry_after{2'000};
};

struct MoIntakeStats {
  std::uint64_t received = 0;    ///< handed over by the pipeline
  std::uint64_t stored = 0;      ///< durable and acknowledged
  std::uint64_t unassigned = 0;  ///< to numbers no tenant has: dropped
  std::uint64_t keywords = 0;    ///< keyword effects applied
  std::uint64_t replies = 0;     ///< keyword replies accepted by the pipeline
};

struct MoIntakeDeps {
  store::Store& store;
  store::InboundStore& inbound;
  store::WebhookStore& webhooks;
  store::AuditTrail& audit;
  store::KeyRing& keys;
  pipeline::Pipeline& pipeline;
  KeywordEffects& effects;
  TenantSettingsCache& settings;
  WebhookQueue& queue;
  const Clock& clock;
};

/// Hands a stored MO to whoever else delivers it live (the SMPP server's receiver binds):
/// tenant, sender (E.164), our number, UTF-8 text. Called on the intake thread after the
/// commit; must not block.
using MoForward = std::function<void(std::uint64_t tenant, const std::string& from,
                                     const std::string& to, const std::string& text)>;

class MoIntake {
 public:
  MoIntake(MoIntakeDeps deps, MoIntakeConfig config = {});
  ~MoIntake();  ///< stop()s
  MoIntake(const MoIntake&) = delete;
  MoIntake& operator=(const MoIntake&) = delete;

  /// Resumes MOs without applied effects and replies not yet accepted; starts the thread.
  Expected<void> start();
  /// Answers MOs still queued with ack(false) (the SMSC delivers them again) and joins.
  void stop();

  /// Set before start(). Every MO stored from then on is also forwarded, keywords included
  /// (as the webhook gets them); one that was stored before a crash is not forwarded again.
  void set_forward(MoForward forward) { forward_ = std::move(forward); }

  /// From the pipeline's writer thread: queues and returns at once.
  void submit(carrier::Inbound&& inbound, carrier::Ack ack);

  MoIntakeStats stats() const;
  /// True once nothing is queued, pending or in flight (tests, shutdown).
  bool wait_idle(std::chrono::milliseconds timeout);

  /// Idempotency key of the reply to an inbound message.
  static std::string reply_key(std::uint64_t inbound_id);

 private:
  struct Arrival {
    carrier::Inbound inbound;
    carrier::Ack ack;
  };
  /// A stored MO whose keyword effects are still to be applied.
  struct Pending {
    store::InboundMessageRecord record;
    MoPlain plain;
  };

  void run();
  void store_batch(std::vector<Arrival>& batch);
  /// True when stored, false when dropped (no tenant has the number); errors: database.
  Expected<bool> store_one(store::WriteTransaction& tx, store::InboundWrites& writes,
                           store::WebhookWrites& hooks, Arrival& a, std::int64_t now_ms,
                           std::vector<Pending>& fresh, bool& queued);
  /// True when done with it (applied, or given up); false: try again later.
  bool handle(const Pending& p);
  void resume_replies();
  void send_reply(std::uint64_t tenant, std::uint64_t inbound_id, std::uint64_t reply_id,
                  const std::string& to, const std::string& from, const std::string& text);
  void mark_accepted(std::vector<std::uint64_t>& reply_ids);
  Expected<MoPlain> open(const store::InboundMessageRecord& r);

  MoIntakeDeps d_;
  const MoIntakeConfig config_;
  MoForward forward_;
  ReplyPolicy policy_;
  pipeline::MessageIdGenerator ids_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<Arrival> arrivals_;
  std::vector<std::uint64_t> accepted_;        // reply ids the pipeline committed
  std::set<std::uint64_t> replies_in_flight_;  // reply ids handed to the pipeline
  bool retry_replies_ = false;
  std::chrono::steady_clock::time_point reply_retry_at_{};
  bool running_ = false;
  bool stopping_ = false;
  bool idle_ = true;
  MoIntakeStats stats_;
  std::thread thread_;

  // Intake thread only.
  std::deque<Pending> pending_;
  std::chrono::steady_clock::time_point retry_at_{};
};

}  // namespace diskret::inbound
