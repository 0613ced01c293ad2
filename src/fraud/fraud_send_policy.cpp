#include "fraud/fraud_send_policy.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace diskret::fraud {
namespace {

constexpr std::size_t kKindPrefix = 8;  // "+4915112": type and region are the range's
constexpr std::size_t kMaxKinds = 100'000;
constexpr std::size_t kMaxRewritten = 1'000;  // texts prepared but not yet screened

}  // namespace

FraudSendPolicy::FraudSendPolicy(api::SendPolicy* inner, PumpingGuard& guard, const LinkCheck& links,
                                 HeldMessages& held, std::string source, AlertSink alerts,
                                 const Clock& clock)
    : inner_(inner), guard_(guard), links_(links), held_(held), source_(std::move(source)),
      alerts_(std::move(alerts)), clock_(clock) {}

Expected<void, http::Problem> FraudSendPolicy::prepare(const api::Caller& caller,
                                                       api::SendRequest& request) {
  // The link check must see the links as written: the content rules may replace them with
  // the platform's short links (never flagged) before screen() sees the text.
  std::optional<LinkFinding> finding;
  if (auto on = held_.link_check(caller.principal.tenant.value); on && *on) {
    finding = links_.check(request.text);
  }
  const std::string written = finding ? request.text : std::string();
  if (inner_) {
    if (auto ok = inner_->prepare(caller, request); !ok) return ok;
  }
  if (finding && request.text != written) {
    std::lock_guard lock(mutex_);
    if (rewritten_.size() >= kMaxRewritten) rewritten_.clear();
    rewritten_.insert_or_assign(request.text, *finding);
  }
  return {};
}

std::optional<LinkFinding> FraudSendPolicy::rewritten_finding(const std::string& text) {
  std::lock_guard lock(mutex_);
  auto it = rewritten_.find(text);
  if (it == rewritten_.end()) return std::nullopt;
  return it->second;
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
  const std::uint64_t tenant = caller.principal.tenant.value;
  auto settings = held_.settings(tenant);  // cached: no database read per message
  const std::optional<bool> link_check =
      settings ? std::optional<bool>{settings->link_check} : std::nullopt;
  TenantLimits limits;
  if (settings) limits = {settings->prefix_per_hour, settings->unusual_per_hour};
  // Texts whose links prepare() saw before they were shortened, looked up before the inner
  // rules personalise them per recipient (click tracking).
  std::vector<std::optional<LinkFinding>> written(messages.size());
  if (link_check && *link_check) {
    bool any = false;
    {
      std::lock_guard lock(mutex_);
      any = !rewritten_.empty();
    }
    for (std::size_t i = 0; any && i < messages.size(); ++i) {
      if (i > 0 && messages[i].text == messages[i - 1].text) {
        written[i] = written[i - 1];
      } else {
        written[i] = rewritten_finding(messages[i].text);
      }
    }
  }
  if (inner_) {
    if (auto ok = inner_->screen(caller, messages); !ok) return ok;
  }
  if (written.size() != messages.size()) written.assign(messages.size(), std::nullopt);
  // Texts repeat across a batch: check each distinct text once.
  std::string last_text;
  std::optional<LinkFinding> last_finding;
  bool checked = false;
  // Numbers of one batch mostly share their range: look the kind up once per run of them.
  std::string last_prefix;
  Kind last_kind;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto& m = messages[i];
    if (m.rejected) continue;
    std::optional<std::pair<std::string, std::string>> hold;  // reason, range
    if (link_check && *link_check) {
      if (!checked || m.text != last_text) {
        last_text = m.text;
        last_finding = links_.check(m.text);
        checked = true;
      }
      const auto& found = last_finding ? last_finding : written[i];
      if (found) hold.emplace("suspicious_link", found->kind + ":" + found->host);
    }
    if (!hold) {
      if (last_prefix.empty() || m.to.compare(0, kKindPrefix, last_prefix) != 0) {
        last_prefix = m.to.substr(0, kKindPrefix);
        last_kind = kind_of(m.to);
      }
      if (auto h = guard_.check(tenant, m.to, last_kind.type, last_kind.region, limits)) {
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
