#pragma once
/// BounceNotifier: when a message that came in by email ends failed, expired or refused
/// by the carrier, the mail's sender gets a delivery status notification (smtp/bounce)
/// through the outbound relay. Only for tenants that asked for it (off by default). The
/// report names the number masked and the reason, never the text.
///
/// Which message came from which sender is kept in memory (bounded, for `keep`): after a
/// restart, messages accepted before it bounce no more. Mails are sent on a worker thread
/// of its own; every public function is thread-safe and does not block.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "pipeline/event_sink.hpp"

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
  std::size_t max_pending = 100'000;
};

/// Sends one mail (envelope recipient, whole message) with the null reverse-path.
using SendMail = std::function<Expected<void>(const std::string& to, const std::string& message)>;

struct BounceStats {
  std::uint64_t sent = 0, send_failures = 0, expected = 0, forgotten = 0;
};

class BounceNotifier {
 public:
  BounceNotifier(BounceOptions options, SendMail send, const Clock& clock);
  ~BounceNotifier();  ///< sends what is queued, then stops
  BounceNotifier(const BounceNotifier&) = delete;
  BounceNotifier& operator=(const BounceNotifier&) = delete;

  /// The operator listed the tenant, or the tenant switched bounces on.
  bool wants(const std::string& tenant_public_id, std::uint64_t tenant) const;
  /// Messages just accepted from mail by `sender` (after the commit): ids and E.164
  /// numbers in the same order.
  void expect(const std::vector<pipeline::MessageId>& ids, const std::vector<std::string>& numbers,
              const std::string& sender);
  /// A final status (after its commit): bounces a failed/expired message that was expected.
  void on_final(const pipeline::StatusEvent& event);

  BounceStats stats() const;

 private:
  struct Origin {
    std::string sender;
    std::string masked_number;
    SystemTime until;
  };
  struct Job {
    std::string to;
    std::string message;
  };
  void run();
  void forget_old(SystemTime now);  // under mutex_

  BounceOptions options_;
  SendMail send_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::unordered_map<std::uint64_t, Origin> origins_;
  std::deque<Job> jobs_;
  BounceStats stats_;
  std::uint64_t boundary_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

/// The pipeline's EventSink, passing everything to `inner` (may be null) and final
/// statuses, once committed, to the notifier.
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
