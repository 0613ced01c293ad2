#include "dlp/content_guard.hpp"

#include <fmt/format.h>

namespace diskret::dlp {

std::shared_ptr<const Screener> ContentGuard::screener_for(std::uint64_t tenant,
                                                           const Rules& rules) {
  std::lock_guard lock(mutex_);
  auto it = cache_.find(tenant);
  if (it != cache_.end() && it->second.rules.policy == rules.policy &&
      it->second.rules.patterns == rules.patterns) {
    return it->second.screener;
  }
  auto compiled = Screener::compile(rules);
  if (!compiled) {
    // Patterns are validated when the tenant saves them; should one still fail (a newer
    // PCRE2 refusing it), the built-in detectors keep working under the tenant's policy.
    compiled = Screener::compile(Rules{rules.policy, {}});
  }
  auto screener = std::make_shared<const Screener>(std::move(*compiled));
  cache_[tenant] = Cached{rules, screener};
  return screener;
}

Verdict ContentGuard::screen(std::uint64_t tenant, const Rules& rules, std::string_view text,
                             std::string_view source, std::size_t recipients, Record record) {
  if (rules.patterns.empty() && !may_contain_builtin(text)) return {};
  Verdict v = screener_for(tenant, rules)->screen(text);
  if (v.action == Action::pass || record == Record::no) return v;
  for (const auto& f : v.findings) {
    counts_[static_cast<std::size_t>(f.kind)][static_cast<std::size_t>(v.action)].fetch_add(
        1, std::memory_order_relaxed);
  }
  if (audit_) audit_(FindingEvent{tenant, std::string(source), v.action, v.kinds(), recipients});
  return v;
}

std::uint64_t ContentGuard::count(Kind kind, Action action) const {
  return counts_[static_cast<std::size_t>(kind)][static_cast<std::size_t>(action)].load();
}

std::string ContentGuard::metrics() const {
  std::string out =
      "# HELP diskret_dlp_findings_total Sensitive content found in message texts (card "
      "numbers, IBANs, tenant patterns) by what was done with it.\n"
      "# TYPE diskret_dlp_findings_total counter\n";
  for (auto kind : {Kind::card_number, Kind::iban, Kind::custom}) {
    for (auto action : {Action::rejected, Action::masked, Action::allowed}) {
      out += fmt::format("diskret_dlp_findings_total{{kind=\"{}\",action=\"{}\"}} {}\n",
                         kind_name(kind), action_name(action), count(kind, action));
    }
  }
  return out;
}

}  // namespace diskret::dlp
