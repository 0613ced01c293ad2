#pragma once
/// Security monitoring and operator access transparency (GDPR art. 32, 33):
/// - Alerts: unusual events become alert records that tenant admins see (GET /v1/alerts),
///   that /metrics counts, that the audit trail records, and that go to the tenant's
///   webhook as security.alert events (platform alerts to every tenant's webhook).
/// - AlertRules: the thresholds ("many" failed logins, an export of many people).
/// - AccessGrants: the operator's staff have no standing access to a tenant's personal
///   data; a tenant admin grants a named person time-limited access with a reason, every
///   read under it lands in the tenant's audit trail, and break-glass access without a
///   grant raises a critical alert for the tenant.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "audit/audit_log.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "inbound/webhook_queue.hpp"
#include "store/security_store.hpp"
#include "store/webhook_store.hpp"

namespace diskret::privacy {

namespace alert {
inline constexpr std::string_view kManyAuthFailures = "auth.many_failures";
inline constexpr std::string_view kManyExports = "export.many_subjects";
inline constexpr std::string_view kKeyRotated = "keys.master_rotated";
inline constexpr std::string_view kAuditBroken = "audit.verification_failed";
inline constexpr std::string_view kBreakGlass = "access.break_glass";
inline constexpr std::string_view kBackupRestored = "backup.restored";
}  // namespace alert

class Alerts {
 public:
  Alerts(store::Store& store, store::SecurityStore& rows, audit::AuditLog& audit, const Clock& clock)
      : store_(store), rows_(rows), audit_(audit), clock_(clock) {}

  /// Records an alert (tenant 0: the platform's) and its audit entry; returns its id.
  Expected<std::uint64_t> raise(std::uint64_t tenant, std::string_view kind, std::string_view severity,
                                std::string details_json, std::string_view actor = "system:monitor");
  /// The tenant's alerts and the platform's, newest first (ids below `before_id`, 0: all).
  Expected<std::vector<store::AlertRecord>> list(std::uint64_t tenant, std::uint64_t before_id,
                                                 std::size_t limit) {
    return rows_.alerts(tenant, before_id, limit);
  }
  /// diskret_security_alerts_total{kind} (Prometheus text).
  Expected<std::string> metrics_text();

  /// From now on every alert also queues a security.alert webhook event in the
  /// transaction that records it (delivered by the WebhookWorker of `diskret serve`).
  void set_webhooks(store::WebhookStore* store, inbound::WebhookQueue* queue) {
    webhook_store_ = store;
    webhook_queue_ = queue;
  }

 private:
  store::Store& store_;
  store::SecurityStore& rows_;
  audit::AuditLog& audit_;
  const Clock& clock_;
  store::WebhookStore* webhook_store_ = nullptr;
  inbound::WebhookQueue* webhook_queue_ = nullptr;
};

/// Counts events per key in a sliding window; says when a count first reaches the
/// threshold (once per window, so one burst gives one alert). Thread-safe.
class SlidingThreshold {
 public:
  SlidingThreshold(std::size_t threshold, std::chrono::milliseconds window)
      : threshold_(threshold), window_(window) {}
  /// Records one event for `key` at `now_ms`; true when this event reaches the threshold.
  bool hit(const std::string& key, std::int64_t now_ms);
  std::size_t count(const std::string& key, std::int64_t now_ms);

 private:
  struct Window {
    std::deque<std::int64_t> events;
    std::int64_t alerted_at = -1;
  };
  std::size_t threshold_;
  std::chrono::milliseconds window_;
  std::mutex mutex_;
  std::map<std::string, Window> windows_;
};

/// The thresholds diskret alerts on.
struct AlertRules {
  SlidingThreshold auth_failures{20, std::chrono::minutes(5)};  ///< per client address
  SlidingThreshold exports{20, std::chrono::hours(1)};          ///< per tenant
};

class AccessGrants {
 public:
  AccessGrants(store::Store& store, store::SecurityStore& rows, audit::AuditLog& audit, Alerts& alerts,
               const Clock& clock)
      : store_(store), rows_(rows), audit_(audit), alerts_(alerts), clock_(clock) {}

  static constexpr std::chrono::hours kMaxDuration{72};

  /// A tenant admin (`granted_by`) lets `grantee` read for `duration` (at most 72 h).
  /// diskret::Errc::invalid_argument for an empty grantee or reason or a bad duration.
  Expected<store::AccessGrantRecord> grant(std::uint64_t tenant, std::string_view grantee,
                                           std::string_view reason, std::chrono::minutes duration,
                                           std::string_view granted_by);
  Expected<bool> revoke(std::uint64_t tenant, std::uint64_t id, std::string_view revoked_by);
  /// Newest first, expired and revoked ones included.
  Expected<std::vector<store::AccessGrantRecord>> list(std::uint64_t tenant) { return rows_.grants(tenant); }
  /// The grant `id` if it lets `grantee` read now; diskret::Errc::permission_denied otherwise.
  Expected<store::AccessGrantRecord> check(std::uint64_t tenant, std::uint64_t id, std::string_view grantee);
  /// Access without a grant: allowed, but the tenant gets a critical alert and an entry.
  Expected<void> break_glass(std::uint64_t tenant, std::string_view who, std::string_view reason);
  /// Records a read under a grant in the tenant's trail (actor operator:<grantee>).
  Expected<void> record_read(std::uint64_t tenant, std::string_view who, std::string_view what,
                             std::string_view subject_hex, std::string_view basis);

 private:
  store::Store& store_;
  store::SecurityStore& rows_;
  audit::AuditLog& audit_;
  Alerts& alerts_;
  const Clock& clock_;
};

}  // namespace diskret::privacy
