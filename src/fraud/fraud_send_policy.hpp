#pragma once
/// FraudSendPolicy: the pumping guard and the optional link check as a SendPolicy around
/// another one (the content and contacts rules). A message they flag is stored in
/// HeldMessages (sealed) and answered `rejected` with code "held_for_review", naming the
/// held id; its text is not stored with the rejected message. Tenant admins get one
/// security alert per tenant, reason and range and hour. Per message: a few hash lookups,
/// no database read (the number type is cached per 8-character prefix, the link-check
/// switch per tenant).
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/send_policy.hpp"
#include "fraud/held_messages.hpp"
#include "fraud/link_check.hpp"
#include "fraud/pumping_guard.hpp"

namespace diskret::fraud {

/// Raises a security alert: (tenant, kind, details JSON). Must not block (post it).
using AlertSink = std::function<void(std::uint64_t, const std::string&, const std::string&)>;

inline constexpr std::string_view kHeldAlert = "fraud.messages_held";

class FraudSendPolicy final : public api::SendPolicy {
 public:
  /// `inner` may be null; `source` names the path ("api", "smpp") in held records.
  FraudSendPolicy(api::SendPolicy* inner, PumpingGuard& guard, const LinkCheck& links,
                  HeldMessages& held, std::string source, AlertSink alerts, const Clock& clock);

  // SendPolicy
  Expected<void, http::Problem> prepare(const api::Caller& caller, api::SendRequest& request) override;
  Expected<void, http::Problem> screen(const api::Caller& caller,
                                       std::vector<pipeline::NewMessage>& messages) override;

 private:
  struct Kind {
    phone::NumberType type = phone::NumberType::unknown;
    std::string region;
  };
  Kind kind_of(const std::string& e164);
  void alert_once(std::uint64_t tenant, const std::string& reason, const std::string& range);
  std::optional<LinkFinding> rewritten_finding(const std::string& text);

  api::SendPolicy* inner_;
  PumpingGuard& guard_;
  const LinkCheck& links_;
  HeldMessages& held_;
  std::string source_;
  AlertSink alerts_;
  const Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Kind> kinds_;          ///< by prefix
  std::unordered_map<std::string, std::int64_t> alerted_;  ///< "tenant|reason|range" -> hour
  /// Texts the inner prepare() rewrote (links shortened) whose written links were flagged.
  std::unordered_map<std::string, LinkFinding> rewritten_;
};

}  // namespace diskret::fraud
