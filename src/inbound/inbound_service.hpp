#pragma once
/// InboundService: what the API and the admin commands do with inbound numbers, inbound
/// messages, keyword settings and webhooks, over the stores: validation, sealing and
/// opening, audit entries. No HTTP and no JSON of the API here (api/ adapts).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "inbound/inbound_number.hpp"
#include "inbound/inbound_settings.hpp"
#include "inbound/tenant_settings.hpp"
#include "inbound/webhook_queue.hpp"
#include "inbound/webhook_settings.hpp"
#include "store/audit_trail.hpp"
#include "store/inbound_store.hpp"
#include "store/key_ring.hpp"
#include "store/store.hpp"
#include "store/webhook_store.hpp"

namespace diskret::inbound {

struct NumberView {
  std::string number;  ///< E.164 or short code
  NumberKind kind = NumberKind::long_number;
  SystemTime assigned_at;
};

struct InboundView {
  std::string id;
  std::string from;  ///< empty when the person was erased
  std::string to;
  std::string text;  ///< empty when the person was erased
  SystemTime received_at;
  std::optional<std::string> keyword;
};

struct InboundPage {
  std::vector<InboundView> items;
  std::optional<std::uint64_t> next_before;  ///< cursor for the next (older) page
};

struct WebhookView {
  std::string url;
  bool secret_set = false;
  SystemTime created_at;
  SystemTime updated_at;
};

struct WebhookPut {
  WebhookView webhook;
  std::optional<std::string> generated_secret;  ///< shown once when diskret chose it
};

struct DeliveryView {
  std::string event_id;
  std::uint32_t attempt = 0;
  int status_code = 0;  ///< 0: no HTTP answer
  std::string error;
  SystemTime at;
  std::optional<SystemTime> next_attempt_at;
};

struct DeliveryPage {
  std::vector<DeliveryView> items;
  std::optional<std::string> next_cursor;  ///< "<event id>.<attempt>"
};

struct InboundServiceDeps {
  store::Store& store;
  store::InboundStore& inbound;
  store::WebhookStore& webhooks;
  store::AuditTrail& audit;
  store::KeyRing& keys;
  TenantSettingsCache& settings;
  WebhookQueue& queue;
  const Clock& clock;
};

class InboundService {
 public:
  InboundService(InboundServiceDeps deps, PrivateHosts private_hosts)
      : d_(deps), private_hosts_(private_hosts) {}

  /// Errc::invalid_number; diskret::Errc::already_exists when another tenant has it;
  /// diskret::Errc::not_found for an unknown tenant. Assigning twice is fine.
  Expected<NumberView> assign_number(std::uint64_t tenant, std::string_view number,
                                     std::string_view actor);
  Expected<std::vector<NumberView>> numbers(std::uint64_t tenant);

  /// Newest first; `limit` 1..500.
  Expected<InboundPage> inbound(std::uint64_t tenant, std::optional<std::uint64_t> before,
                                std::size_t limit);

  /// Errc::invalid_url / invalid_secret. Without `secret` a random one is made and returned
  /// once; with one it is never shown again.
  Expected<WebhookPut> put_webhook(std::uint64_t tenant, std::string_view url,
                                   std::optional<std::string_view> secret, std::string_view actor);
  Expected<std::optional<WebhookView>> webhook(std::uint64_t tenant);
  /// False when there was none. Undelivered events are dropped with it.
  Expected<bool> delete_webhook(std::uint64_t tenant, std::string_view actor);
  /// Newest first. `cursor` from an earlier page (Errc::invalid_text when malformed),
  /// `event_id` restricts to one event.
  Expected<DeliveryPage> deliveries(std::uint64_t tenant, std::optional<std::string_view> cursor,
                                    std::optional<std::string_view> event_id, std::size_t limit);

  Expected<InboundSettings> settings(std::uint64_t tenant);
  /// Validates and stores the tenant's keyword settings (parse_settings errors).
  Expected<InboundSettings> put_settings(std::uint64_t tenant, std::string_view json,
                                         std::string_view actor);

 private:
  /// Runs `work` in a transaction and, when it changed something (true), appends an audit
  /// entry to it before the commit.
  Expected<bool> audited(std::uint64_t tenant, std::string_view actor, std::string_view action,
                         std::string_view object, std::string details,
                         const std::function<Expected<bool>(store::WriteTransaction&)>& work);

  InboundServiceDeps d_;
  PrivateHosts private_hosts_;
};

}  // namespace diskret::inbound
