#pragma once
/// BounceNotifier: when a message that came in by email ends failed, expired or refused
/// by the carrier, the mail's sender gets a delivery status notification (smtp/bounce)
/// through the outbound relay. Only for tenants that asked for it (off by default). The
/// report names the number masked and the reason, never the text.
///
/// Durable: who to tell is written with the message (a bounce note in store::MessageNotes,
/// the sender address and masked number sealed with the tenant's data key), the final
/// status schedules the bounce in the same transaction, and a worker thread sends what is
/// due, retrying with backoff while the relay refuses or is down, until `give_up`. A
/// restart at any moment loses none. With several nodes on one database, the node that
/// writes the final status schedules the bounce (whichever node took the mail) and each
/// due bounce is sent by one node. Every public function is thread-safe.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "pipeline/event_sink.hpp"
#include "store/key_ring.hpp"
#include "store/message_notes.hpp"

namespace diskret::gateway {

struct BounceOptions {
  /// Public ids of tenants that get bounces whatever their setting (the operator's
  /// [smtp] bounce_tenants).
  std::set<std::string> tenants;
  /// The tenant's own switch (PATCH /v1/tenant bounce_emails), by internal tenant id;
  /// unset: only `tenants`. Called on the SMTP thread; may read a cache.
  std::function<bool(std::uint64_t tenant)> tenant_wants;
  std::string from;               ///< From of the report, e.g. "MAILER-DAEMON@sms.example.com"
  std::string reporting_host;     ///< our host name in the report
  std::string sms_domain;         ///< recipients were <number>@sms_domain
  std::chrono::hours keep{72};    ///< a message without outcome after this is forgotten
  std::chrono::milliseconds retry_first{30'000};  ///< first retry after a refusal; doubles
  std::chrono::milliseconds retry_max{std::chrono::minutes{30}};
  std::chrono::milliseconds give_up{std::chrono::hours{24}};  ///< after the final status
  std::chrono::milliseconds poll{1'000};  ///< the worker looks for due bounces this often
};

/// Sends one mail (envelope recipient, whole message) with the null reverse-path.
using SendMail = std::function<Expected<void>(const std::string& to, const std::string& message)>;

struct BounceStats {
  std::uint64_t sent = 0, send_failures = 0, expected = 0, forgotten = 0, given_up = 0;
};

class BounceNotifier {
 public:
  /// Reads the bounces waiting from before a restart and starts the worker. `notes` and
  /// `outbox` are usually one store::sqlite::SqliteMessageNotes.
  BounceNotifier(BounceOptions options, SendMail send, const Clock& clock, store::KeyRing& keys,
                 store::MessageNotes& notes, store::BounceStore& outbox);
  ~BounceNotifier();  ///< stops the worker; what is not sent yet stays stored
  BounceNotifier(const BounceNotifier&) = delete;
  BounceNotifier& operator=(const BounceNotifier&) = delete;

  /// The operator listed the tenant, or the tenant switched bounces on.
  bool wants(const std::string& tenant_public_id, std::uint64_t tenant) const;
  /// For messages about to be accepted from mail by `sender` (ids and E.164 numbers in
  /// the same order): the writer of their bounce notes, to run in the accepting
  /// transaction (pipeline::AcceptRequest::write_with). An empty function for the null
  /// reverse-path (nobody to tell); an error when the tenant's key cannot be read.
  Expected<std::function<Expected<void>(store::WriteTransaction&)>> prepare(
      std::uint64_t tenant, const std::vector<pipeline::MessageId>& ids,
      const std::vector<std::string>& numbers, const std::string& sender);
  /// In the transaction of final statuses: schedules the bounces of failed and expired
  /// messages that have a note, drops the notes of delivered ones.
  Expected<void> write_final(store::WriteTransaction& tx,
                             std::span<const pipeline::StatusEvent> events, std::int64_t now_ms);
  /// Final statuses were committed: their notes are settled, the worker looks for due
  /// bounces now.
  void committed(std::span<const pipeline::StatusEvent> events);

  BounceStats stats() const;

 private:
  void run();
  void send_due();  // worker thread

  BounceOptions options_;
  SendMail send_;
  const Clock& clock_;
  store::KeyRing& keys_;
  store::MessageNotes& notes_;
  store::BounceStore& outbox_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  // Message ids whose bounce this node settled, not yet seen committed (a failed commit is
  // written again with the same ids).
  std::unordered_set<std::uint64_t> settled_;
  BounceStats stats_;
  std::uint64_t boundary_ = 0;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

/// The pipeline's EventSink, passing everything to `inner` (may be null); final statuses
/// schedule bounces in the writer's transaction and wake the notifier once committed.
class BounceTee final : public pipeline::EventSink {
 public:
  BounceTee(pipeline::EventSink* inner, BounceNotifier& notifier)
      : inner_(inner), notifier_(notifier) {}

  Expected<void> write_status_events(store::WriteTransaction& tx,
                                     std::span<const pipeline::StatusEvent> events,
                                     std::int64_t now_ms) override;
  void status_events_committed(std::span<const pipeline::StatusEvent> events) override;
  void on_inbound(carrier::Inbound&& inbound, carrier::Ack ack) override;

 private:
  pipeline::EventSink* inner_;
  BounceNotifier& notifier_;
};

}  // namespace diskret::gateway
