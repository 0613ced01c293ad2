#include "privacy/security.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "audit/actions.hpp"

namespace diskret::privacy {
namespace {

bool printable(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

Expected<std::uint64_t> Alerts::raise(std::uint64_t tenant, std::string_view kind, std::string_view severity,
                                      std::string details_json, std::string_view actor) {
  auto tx = store_.begin();
  if (!tx) return unexpected(tx.error());
  store::AlertRecord a{0, tenant, std::string(kind), std::string(severity), details_json, clock_.now_ms()};
  auto id = rows_.insert_alert(**tx, a);
  if (!id) return unexpected(id.error());
  audit::AuditDraft entry;
  entry.tenant = tenant;
  entry.actor = std::string(actor);
  entry.action = "alert.raised";
  entry.object = "alert:" + std::to_string(*id);
  entry.details = boost::json::serialize(boost::json::object{{"kind", kind}, {"severity", severity}});
  if (auto ok = audit_.record(**tx, entry); !ok) return unexpected(ok.error());
  std::size_t queued = 0;
  if (webhook_store_ != nullptr && webhook_queue_ != nullptr) {
    auto writes = webhook_store_->writes(**tx);
    auto n = webhook_queue_->enqueue_alert(*writes, tenant, *id, a.at_ms);
    if (!n) return unexpected(n.error());
    queued = *n;
  }
  if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  if (queued > 0) webhook_queue_->queued();
  return id;
}

Expected<std::string> Alerts::metrics_text() {
  auto counts = rows_.alert_counts();
  if (!counts) return unexpected(counts.error());
  std::string out =
      "# HELP diskret_security_alerts_total Security alerts raised, by kind.\n"
      "# TYPE diskret_security_alerts_total counter\n";
  for (const auto& k : {alert::kManyAuthFailures, alert::kManyExports, alert::kKeyRotated, alert::kAuditBroken,
                        alert::kBreakGlass, alert::kBackupRestored}) {
    std::uint64_t n = 0;
    for (const auto& [kind, c] : *counts) {
      if (kind == k) n = c;
    }
    out += fmt::format("diskret_security_alerts_total{{kind=\"{}\"}} {}\n", k, n);
  }
  return out;
}

bool SlidingThreshold::hit(const std::string& key, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto& w = windows_[key];
  w.events.push_back(now_ms);
  while (!w.events.empty() && w.events.front() <= now_ms - window_.count()) w.events.pop_front();
  if (w.events.size() < threshold_) return false;
  if (w.alerted_at >= 0 && w.alerted_at > now_ms - window_.count()) return false;
  w.alerted_at = now_ms;
  return true;
}

std::size_t SlidingThreshold::count(const std::string& key, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = windows_.find(key);
  if (it == windows_.end()) return 0;
  auto& e = it->second.events;
  while (!e.empty() && e.front() <= now_ms - window_.count()) e.pop_front();
  return e.size();
}

Expected<store::AccessGrantRecord> AccessGrants::grant(std::uint64_t tenant, std::string_view grantee,
                                                       std::string_view reason, std::chrono::minutes duration,
                                                       std::string_view granted_by) {
  if (!printable(grantee, 100) || grantee.find(':') != std::string_view::npos) {
    return fail(diskret::Errc::invalid_argument, "operator: a staff member's name, 1 to 100 printable characters");
  }
  if (!printable(reason, 500)) return fail(diskret::Errc::invalid_argument, "reason: 1 to 500 printable characters");
  if (duration.count() <= 0 || duration > kMaxDuration) {
    return fail(diskret::Errc::invalid_argument, "hours: between 1 minute and 72 hours");
  }
  store::AccessGrantRecord g;
  g.tenant_id = tenant;
  g.grantee = std::string(grantee);
  g.reason = std::string(reason);
  g.granted_by = std::string(granted_by);
  g.created_at_ms = clock_.now_ms();
  g.expires_at_ms = g.created_at_ms + std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
  auto tx = store_.begin();
  if (!tx) return unexpected(tx.error());
  auto id = rows_.insert_grant(**tx, g);
  if (!id) return unexpected(id.error());
  g.id = *id;
  audit::AuditDraft entry;
  entry.tenant = tenant;
  entry.actor = std::string(granted_by);
  entry.action = std::string(audit::action::kGrantCreated);
  entry.object = "grant:" + std::to_string(g.id);
  entry.details = boost::json::serialize(boost::json::object{
      {"grantee", g.grantee}, {"reason", g.reason}, {"expires_at_ms", g.expires_at_ms}});
  if (auto ok = audit_.record(**tx, entry); !ok) return unexpected(ok.error());
  if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  return g;
}

Expected<bool> AccessGrants::revoke(std::uint64_t tenant, std::uint64_t id, std::string_view revoked_by) {
  auto tx = store_.begin();
  if (!tx) return unexpected(tx.error());
  auto revoked = rows_.revoke_grant(**tx, tenant, id, clock_.now_ms());
  if (!revoked) return unexpected(revoked.error());
  if (*revoked) {
    audit::AuditDraft entry;
    entry.tenant = tenant;
    entry.actor = std::string(revoked_by);
    entry.action = std::string(audit::action::kGrantRevoked);
    entry.object = "grant:" + std::to_string(id);
    if (auto ok = audit_.record(**tx, entry); !ok) return unexpected(ok.error());
  }
  if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  return revoked;
}

Expected<store::AccessGrantRecord> AccessGrants::check(std::uint64_t tenant, std::uint64_t id,
                                                       std::string_view grantee) {
  auto g = rows_.grant(tenant, id);
  if (!g) return unexpected(g.error());
  const auto now = clock_.now_ms();
  if (!*g || (*g)->grantee != grantee) {
    return fail(diskret::Errc::permission_denied, fmt::format("grant {} does not name {} for this tenant", id, grantee));
  }
  if ((*g)->revoked_at_ms) return fail(diskret::Errc::permission_denied, fmt::format("grant {} was revoked", id));
  if ((*g)->expires_at_ms <= now) return fail(diskret::Errc::permission_denied, fmt::format("grant {} has expired", id));
  return **g;
}

Expected<void> AccessGrants::break_glass(std::uint64_t tenant, std::string_view who, std::string_view reason) {
  if (!printable(reason, 500)) return fail(diskret::Errc::invalid_argument, "break-glass needs a reason");
  audit::AuditDraft entry;
  entry.tenant = tenant;
  entry.actor = "operator:" + std::string(who);
  entry.action = std::string(audit::action::kBreakGlass);
  entry.object = "tenant";
  entry.details = boost::json::serialize(boost::json::object{{"reason", reason}});
  if (auto ok = audit_.record(entry); !ok) return unexpected(ok.error());
  auto raised = alerts_.raise(tenant, alert::kBreakGlass, "critical",
                              boost::json::serialize(boost::json::object{{"operator", who}, {"reason", reason}}),
                              "operator:" + std::string(who));
  if (!raised) return unexpected(raised.error());
  return {};
}

Expected<void> AccessGrants::record_read(std::uint64_t tenant, std::string_view who, std::string_view what,
                                         std::string_view subject_hex, std::string_view basis) {
  audit::AuditDraft entry;
  entry.tenant = tenant;
  entry.actor = "operator:" + std::string(who);
  entry.action = std::string(audit::action::kOperatorRead);
  entry.object = std::string(what);
  entry.subject = std::string(subject_hex);
  entry.details = boost::json::serialize(boost::json::object{{"basis", basis}});
  auto ok = audit_.record(entry);
  if (!ok) return unexpected(ok.error());
  return {};
}

}  // namespace diskret::privacy
