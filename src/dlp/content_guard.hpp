#pragma once
/// ContentGuard: the one DLP entry point of every sending path (API, preview, campaigns,
/// email-to-SMS, SMPP server). Caches each tenant's compiled Screener, counts findings for
/// /metrics and reports them to an audit sink, never with the matched value. A text without
/// digit runs or IBAN-shaped tokens and a tenant without own patterns cost one linear scan.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "dlp/screener.hpp"

namespace diskret::dlp {

/// One screened text with findings, for the audit trail: no value, no position.
struct FindingEvent {
  std::uint64_t tenant = 0;
  std::string source;       ///< "api", "campaign", "smtp", "smpp"
  Action action = Action::rejected;
  std::string kinds;        ///< Verdict::kinds()
  std::size_t recipients = 0;
};

class ContentGuard {
 public:
  using AuditSink = std::function<void(const FindingEvent&)>;

  /// Set before the front ends start; called on their threads.
  void set_audit(AuditSink sink) { audit_ = std::move(sink); }

  /// Screens `text` under the tenant's rules; counts and audits what it finds (not for
  /// previews: Record::no).
  enum class Record : bool { no, yes };
  Verdict screen(std::uint64_t tenant, const Rules& rules, std::string_view text,
                 std::string_view source, std::size_t recipients = 1, Record record = Record::yes);

  /// diskret_dlp_findings_total{kind,action} in Prometheus text format.
  std::string metrics() const;
  std::uint64_t count(Kind kind, Action action) const;

 private:
  std::shared_ptr<const Screener> screener_for(std::uint64_t tenant, const Rules& rules);

  struct Cached {
    Rules rules;
    std::shared_ptr<const Screener> screener;
  };
  std::mutex mutex_;
  std::map<std::uint64_t, Cached> cache_;
  AuditSink audit_;
  // [kind][action]; action index 0 (pass) stays unused.
  std::array<std::array<std::atomic<std::uint64_t>, 4>, 3> counts_{};
};

}  // namespace diskret::dlp
