#include "inbound/inbound_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "crypto/digest.hpp"
#include "crypto/secret.hpp"
#include "inbound/sealed_inbound.hpp"
#include "pipeline/message.hpp"

namespace diskret::inbound {
namespace {

SystemTime at(std::int64_t ms) { return SystemTime{std::chrono::milliseconds{ms}}; }

std::string hex_id(std::uint64_t id) {
  return pipeline::format_message_id(pipeline::MessageId{id});
}

constexpr std::size_t kMaxPage = 500;

}  // namespace

Expected<bool> InboundService::audited(
    std::uint64_t tenant, std::string_view actor, std::string_view action, std::string_view object,
    std::string details, const std::function<Expected<bool>(store::WriteTransaction&)>& work) {
  auto tx = d_.store.begin();
  if (!tx) return unexpected(tx.error());
  auto changed = work(**tx);
  if (!changed || !*changed) return changed;  // nothing changed: nothing to record
  store::AuditEventRecord e;
  e.tenant_id = tenant;
  e.at_ms = d_.clock.now_ms();
  e.actor = std::string(actor);
  e.action = std::string(action);
  e.object = std::string(object);
  e.details = std::move(details);
  if (auto ok = d_.audit.append(**tx, e); !ok) return unexpected(ok.error());
  if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  return true;
}

Expected<NumberView> InboundService::assign_number(std::uint64_t tenant, std::string_view text,
                                                   std::string_view actor) {
  auto info = d_.settings.get(tenant);
  if (!info) return unexpected(info.error());
  auto number = parse_inbound_number(text, (*info)->region);
  if (!number) return unexpected(number.error());
  const std::int64_t now_ms = d_.clock.now_ms();
  auto ok = audited(tenant, actor, "number.assigned", "number:" + number->value,
                    fmt::format(R"({{"kind":"{}"}})", number_kind_name(number->kind)),
                    [&](store::WriteTransaction& tx) {
                      return d_.inbound.writes(tx)->assign_number(
                          {number->value, static_cast<std::uint8_t>(number->kind), tenant, now_ms});
                    });
  if (!ok) return unexpected(ok.error());
  auto stored = d_.inbound.number(number->value);
  if (!stored) return unexpected(stored.error());
  if (!*stored) return fail(diskret::Errc::internal, "the number was not stored");
  return NumberView{(*stored)->number, static_cast<NumberKind>((*stored)->kind),
                    at((*stored)->created_at_ms)};
}

Expected<std::vector<NumberView>> InboundService::numbers(std::uint64_t tenant) {
  auto rows = d_.inbound.numbers(tenant);
  if (!rows) return unexpected(rows.error());
  std::vector<NumberView> out;
  for (const auto& r : *rows) {
    out.push_back({r.number, static_cast<NumberKind>(r.kind), at(r.created_at_ms)});
  }
  return out;
}

Expected<InboundPage> InboundService::inbound(std::uint64_t tenant,
                                              std::optional<std::uint64_t> before,
                                              std::size_t limit) {
  limit = std::clamp<std::size_t>(limit, 1, kMaxPage);
  auto rows = d_.inbound.inbound_page({tenant, before, limit + 1});
  if (!rows) return unexpected(rows.error());
  auto keys = d_.keys.tenant(tenant);
  if (!keys) return unexpected(keys.error());
  InboundPage page;
  for (const auto& r : *rows) {
    if (page.items.size() == limit) {
      page.next_before = page.items.empty() ? std::nullopt : std::optional{r.id + 1};
      break;
    }
    InboundView v{hex_id(r.id), "", r.number, "", at(r.received_at_ms), std::nullopt};
    if (r.keyword) v.keyword = keyword_kind_name(static_cast<KeywordKind>(*r.keyword));
    Expected<crypto::SecretKey> key = r.subject_id ? d_.keys.subject_key(tenant, *r.subject_id)
                                                   : Expected<crypto::SecretKey>((*keys)->data_key);
    if (key) {
      auto plain = open_mo(*key, tenant, r.id, r.payload);
      if (!plain) return unexpected(plain.error());
      v.from = std::move(plain->from);
      v.text = std::move(plain->text);
    } else if (key.error().code != make_error_code(diskret::Errc::not_found)) {
      return unexpected(key.error());
    }  // not_found: the person was erased; the row stays without its content
    page.items.push_back(std::move(v));
  }
  return page;
}

Expected<WebhookPut> InboundService::put_webhook(std::uint64_t tenant, std::string_view url,
                                                 std::optional<std::string_view> secret,
                                                 std::string_view actor) {
  auto target = parse_webhook_url(url, private_hosts_);
  if (!target) return unexpected(target.error());
  WebhookPut out;
  std::string chosen;
  if (secret) {
    if (auto ok = validate_webhook_secret(*secret); !ok) return unexpected(ok.error());
    chosen = std::string(*secret);
  } else {
    chosen = "whsec_" + crypto::random_token(24);
    out.generated_secret = chosen;
  }
  auto keys = d_.keys.tenant(tenant);
  if (!keys) return unexpected(keys.error());
  const std::int64_t now_ms = d_.clock.now_ms();
  auto existing = d_.webhooks.webhook(tenant);
  if (!existing) return unexpected(existing.error());
  store::WebhookRecord record{tenant, target->url,
                              seal_webhook_secret((*keys)->data_key, tenant, chosen),
                              *existing ? (*existing)->created_at_ms : now_ms, now_ms};
  crypto::secure_wipe(chosen.data(), chosen.size());
  auto ok =
      audited(tenant, actor, "config.changed", "webhook", R"({"setting":"webhook","change":"put"})",
              [&](store::WriteTransaction& tx) -> Expected<bool> {
                if (auto put = d_.webhooks.writes(tx)->put_webhook(record); !put) {
                  return unexpected(put.error());
                }
                return true;
              });
  if (!ok) return unexpected(ok.error());
  d_.queue.set(tenant, true);
  out.webhook = WebhookView{record.url, true, at(record.created_at_ms), at(record.updated_at_ms)};
  return out;
}

Expected<std::optional<WebhookView>> InboundService::webhook(std::uint64_t tenant) {
  auto hook = d_.webhooks.webhook(tenant);
  if (!hook) return unexpected(hook.error());
  if (!*hook) return std::optional<WebhookView>{};
  return std::optional<WebhookView>{WebhookView{(*hook)->url, !(*hook)->secret.empty(),
                                                at((*hook)->created_at_ms),
                                                at((*hook)->updated_at_ms)}};
}

Expected<bool> InboundService::delete_webhook(std::uint64_t tenant, std::string_view actor) {
  auto deleted =
      audited(tenant, actor, "config.changed", "webhook",
              R"({"setting":"webhook","change":"delete"})", [&](store::WriteTransaction& tx) {
                return d_.webhooks.writes(tx)->delete_webhook(tenant, d_.clock.now_ms());
              });
  if (deleted && *deleted) d_.queue.set(tenant, false);
  return deleted;
}

Expected<DeliveryPage> InboundService::deliveries(std::uint64_t tenant,
                                                  std::optional<std::string_view> cursor,
                                                  std::optional<std::string_view> event_id,
                                                  std::size_t limit) {
  limit = std::clamp<std::size_t>(limit, 1, kMaxPage);
  store::AttemptQuery q{tenant, std::nullopt, std::nullopt, limit + 1};
  if (cursor) {
    const std::size_t dot = cursor->find('.');
    auto event = dot == std::string_view::npos ? std::nullopt
                                               : pipeline::parse_message_id(cursor->substr(0, dot));
    std::uint32_t attempt = 0;
    const auto tail = dot == std::string_view::npos ? std::string_view{} : cursor->substr(dot + 1);
    auto [end, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), attempt);
    if (!event || ec != std::errc{} || end != tail.data() + tail.size()) {
      return fail(Errc::invalid_text, "The cursor is not one this list gave out.");
    }
    q.before = std::pair{event->value, attempt};
  }
  if (event_id) {
    auto id = pipeline::parse_message_id(*event_id);
    if (!id) return DeliveryPage{};  // no such event: nothing to show
    q.event_id = id->value;
  }
  auto rows = d_.webhooks.attempts(q);
  if (!rows) return unexpected(rows.error());
  DeliveryPage page;
  for (const auto& a : *rows) {
    if (page.items.size() == limit) {
      const auto& last = page.items.back();
      page.next_cursor = fmt::format("{}.{}", last.event_id, last.attempt);
      break;
    }
    DeliveryView v{hex_id(a.event_id), a.attempt,   a.status_code, a.error,
                   at(a.at_ms),        std::nullopt};
    if (a.next_attempt_ms) v.next_attempt_at = at(*a.next_attempt_ms);
    page.items.push_back(std::move(v));
  }
  return page;
}

Expected<InboundSettings> InboundService::settings(std::uint64_t tenant) {
  auto record = d_.store.tenant(tenant);
  if (!record) return unexpected(record.error());
  if (!*record) return fail(diskret::Errc::not_found, "unknown tenant");
  const std::string& name =
      (*record)->display_name.empty() ? (*record)->name : (*record)->display_name;
  auto stored = d_.inbound.settings(tenant);
  if (!stored) return unexpected(stored.error());
  if (*stored) {
    if (auto s = parse_settings(**stored, name)) return s;
  }
  InboundSettings s;
  s.replies = ReplyTexts::defaults(name);
  return s;
}

Expected<InboundSettings> InboundService::put_settings(std::uint64_t tenant, std::string_view json,
                                                       std::string_view actor) {
  auto record = d_.store.tenant(tenant);
  if (!record) return unexpected(record.error());
  if (!*record) return fail(diskret::Errc::not_found, "unknown tenant");
  const std::string& name =
      (*record)->display_name.empty() ? (*record)->name : (*record)->display_name;
  auto parsed = parse_settings(json, name);
  if (!parsed) return unexpected(parsed.error());
  const std::string normalised = to_json(*parsed);
  auto ok = audited(
      tenant, actor, "config.changed", "keywords", R"({"setting":"keywords","change":"put"})",
      [&](store::WriteTransaction& tx) -> Expected<bool> {
        auto put = d_.inbound.writes(tx)->put_settings(tenant, normalised, d_.clock.now_ms());
        if (!put) return unexpected(put.error());
        return true;
      });
  if (!ok) return unexpected(ok.error());
  d_.settings.invalidate(tenant);
  return parsed;
}

}  // namespace diskret::inbound
