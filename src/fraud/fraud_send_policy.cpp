#include "fraud/fraud_send_policy.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace diskret::fraud {
namespace {

constexpr std::size_t kKindPrefix = 8;  // "+4915112": type and region are the range's
constexpr std::size_t kMaxKinds = 100'000;

}  // namespace

FraudSendPolicy::FraudSendPolicy(api::SendPolicy* inner, PumpingGuard& guard, const LinkCheck& links,
                                 HeldMessages& held, std::string source, AlertSink alerts,
                                 const Clock& clock)
    : inner_(inner), guard_(guard), links_(links), held_(held), source_(std::move(source)),
      alerts_(std::move(alerts)), clock_(clock) {}

Expected<void, http::Problem> FraudSendPolicy::prepare(const api::Caller& caller,
                                                       api::SendRequest& request) {
  return inner_ ? inner_->prepare(caller, request) : Expected<void, http::Problem>{};
}

FraudSendPolicy::Kind FraudSendPolicy::kind_of(const std::string& e164) {
  const std::string prefix = e164.substr(0, kKindPrefix);
  {
    std::lock_guard lock(mutex_);
    if (auto it = kinds_.find(prefix); it != kinds_.end()) return it->second;
  }
  Kind k;
  if (auto n = phone::PhoneNumber::parse(e164, phone::Region{"DE"})) {
    k.type = n->type();
    k.region = n->region();
  }
  std::lock_guard lock(mutex_);
  if (kinds_.size() >= kMaxKinds) kinds_.clear();
  kinds_.emplace(prefix, k);
  return k;
}

void FraudSendPolicy::alert_once(std::uint64_t tenant, const std::string& reason,
                                 const std::string& range) {
  if (!alerts_) return;
  const std::int64_t hour = clock_.now_ms() / 3'600'000;
  {
    std::lock_guard lock(mutex_);
    auto& last = alerted_[fmt::format("{}|{}|{}", tenant, reason, range)];
    if (last == hour + 1) return;  // stored as hour + 1 so that 0 means never
    last = hour + 1;
    if (alerted_.size() > 10'000) alerted_.clear();
  }
  boost::json::object details{{"reason", reason}, {"range", range}, {"source", source_}};
  alerts_(tenant, std::string(kHeldAlert), boost::json::serialize(details));
}

Expected<void, http::Problem> FraudSendPolicy::screen(const api::Caller& caller,
                                                      std::vector<pipeline::NewMessage>& messages) {
  if (inner_) {
    if (auto ok = inner_->screen(caller, messages); !ok) return ok;
  }
  const std::uint64_t tenant = caller.principal.tenant.value;
  auto link_check = held_.link_check(tenant);
  // Texts repeat across a batch: check each distinct text once.
  std::string last_text;
  std::optional<LinkFinding> last_finding;
  bool checked = false;
  // Numbers of one batch mostly share their range: look the kind up once per run of them.
  std::string last_prefix;
  Kind last_kind;
  for (auto& m : messages) {
    if (m.rejected) continue;
    std::optional<std::pair<std::string, std::string>> hold;  // reason, range
    if (link_check && *link_check) {
      if (!checked || m.text != last_text) {
        last_text = m.text;
        last_finding = links_.check(m.text);
        checked = true;
      }
      if (last_finding) hold.emplace("suspicious_link", last_finding->kind + ":" + last_finding->host);
    }
    if (!hold) {
      if (last_prefix.empty() || m.to.compare(0, kKindPrefix, last_prefix) != 0) {
        last_prefix = m.to.substr(0, kKindPrefix);
        last_kind = kind_of(m.to);
      }
      if (auto h = guard_.check(tenant, m.to, last_kind.type, last_kind.region)) {
        hold.emplace(h->reason, h->range);
      }
    }
    if (!hold) continue;
    auto id = held_.hold(tenant, m, hold->first, hold->second, source_);
    if (!id) {
      // Not stored: refuse rather than send what the guard flagged.
      spdlog::warn("fraud: a held message could not be stored: {}", id.error().message());
      m.rejected = pipeline::MessageError{"held_for_review",
                                          "Held for review (" + hold->first + "), but could not be stored; not sent."};
    } else {
      m.rejected = pipeline::MessageError{
          "held_for_review", fmt::format("Held for review as hm_{} ({}: {}); an admin of the account "
                                         "can release or reject it.",
                                         *id, hold->first, hold->second)};
    }
    m.text.clear();  // kept (sealed) with the held message only
    alert_once(tenant, hold->first, hold->second);
  }
  return {};
}

}  // namespace diskret::fraud
