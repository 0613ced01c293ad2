#include "contacts/suppression_service.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "contacts/consent.hpp"
#include "contacts/contact.hpp"
#include "contacts/person_writer.hpp"
#include "contacts/sealed_fields.hpp"
#include "contacts/text_checks.hpp"

namespace diskret::contacts {
namespace {

constexpr std::string_view kResubscribeWording = "Re-subscribed by sending the keyword START";

SystemTime time_of(std::int64_t ms) { return SystemTime{std::chrono::milliseconds{ms}}; }

}  // namespace

std::optional<std::string> check_reason(std::string_view reason) {
  if (!valid_utf8(reason)) return "not valid UTF-8";
  if (has_control(reason, false)) return "contains control characters";
  if (utf8_length(reason) > kMaxReasonChars) {
    return "longer than " + std::to_string(kMaxReasonChars) + " characters";
  }
  return std::nullopt;
}

SuppressionService::SuppressionService(store::Store& store, store::ContactStore& contacts,
                                       store::KeyRing& keys, const Clock& clock)
    : store_(store), contacts_(contacts), keys_(keys), clock_(clock) {}

Expected<void> SuppressionService::record(store::WriteTransaction& tx, std::uint64_t tenant,
                                          const store::Blind& blind, std::string_view action,
                                          std::string_view source, std::string_view by,
                                          std::int64_t now_ms) {
  if (audit_ == nullptr || source == kSourceKeyword) return {};
  store::AuditEventRecord e;
  e.tenant_id = tenant;
  e.at_ms = now_ms;
  e.actor = by.empty() ? fmt::format("system:{}", source) : std::string(by);
  e.action = std::string(action);
  e.object = "suppression";
  e.subject_blind = blind;
  // The source is one of ours ("api", "import", "operator"): no quoting needed, no reason
  // text (it may name the person).
  e.details = fmt::format(R"({{"source":"{}"}})", source);
  auto ok = audit_->append(tx, e);
  if (!ok) return unexpected(ok.error());
  return {};
}

Expected<bool> SuppressionService::add(std::uint64_t tenant, std::string_view e164,
                                       std::string_view reason, std::string_view source,
                                       std::string_view by) {
  auto tenant_keys = keys_.tenant(tenant);
  if (!tenant_keys) return unexpected(tenant_keys.error());
  auto scope = WriteScope::begin(store_, contacts_, keys_);
  if (!scope) return unexpected(scope.error());
  const std::int64_t now = clock_.now_ms();
  PersonWriter people(*scope, keys_, tenant, **tenant_keys, now);
  const store::Blind blind = people.blind(e164);
  auto subject = keys_.subject_for_write(scope->tx(), tenant, **tenant_keys, e164, now);
  if (!subject) return unexpected(subject.error());
  store::SuppressionRecord r;
  r.tenant_id = tenant;
  r.blind = blind;
  r.subject_id = subject->subject_id;
  r.sealed = seal_suppression(subject->key, tenant, subject->subject_id,
                              {std::string(e164), std::string(trim(reason))});
  r.source = std::string(source);
  r.created_at_ms = now;
  auto added = scope->writes().insert_suppression(r);
  if (!added) return unexpected(added.error());
  if (!*added) return false;
  if (auto ok = scope->writes().log_suppression(tenant, blind, "added", r.source, now); !ok) {
    return unexpected(ok.error());
  }
  if (auto ok = record(scope->tx(), tenant, blind, "suppression.added", source, by, now); !ok) {
    return unexpected(ok.error());
  }
  // An opt-out also ends marketing consent; the history keeps what was agreed before.
  auto person = people.find(e164);
  if (!person) return unexpected(person.error());
  if (*person && (*person)->record.consent_state != static_cast<std::uint8_t>(ConsentState::none) &&
      (*person)->record.consent_state != static_cast<std::uint8_t>(ConsentState::withdrawn)) {
    auto latest = people.latest_consent((*person)->record.id);
    if (!latest) return unexpected(latest.error());
    Consent withdrawn = latest->value_or(Consent{});
    withdrawn.withdrawn_at = clock_.now();
    auto state = people.append_consent((*person)->record.id, withdrawn, r.source);
    if (!state) return unexpected(state.error());
    if (auto ok = people.update(**person, *state); !ok) return unexpected(ok.error());
  }
  if (auto ok = scope->commit(); !ok) return unexpected(ok.error());
  return true;
}

Expected<bool> SuppressionService::remove(std::uint64_t tenant, std::string_view e164,
                                          std::string_view source,
                                          std::optional<std::string_view> only_source,
                                          std::string_view by) {
  auto tenant_keys = keys_.tenant(tenant);
  if (!tenant_keys) return unexpected(tenant_keys.error());
  auto scope = WriteScope::begin(store_, contacts_, keys_);
  if (!scope) return unexpected(scope.error());
  const std::int64_t now = clock_.now_ms();
  PersonWriter people(*scope, keys_, tenant, **tenant_keys, now);
  const store::Blind blind = people.blind(e164);
  auto existing = scope->writes().find_suppression(tenant, blind);
  if (!existing) return unexpected(existing.error());
  if (!*existing || (only_source && (*existing)->source != *only_source)) return false;
  auto removed = scope->writes().delete_suppression(tenant, blind);
  if (!removed) return unexpected(removed.error());
  if (auto ok = scope->writes().log_suppression(tenant, blind, "removed", std::string(source), now);
      !ok) {
    return unexpected(ok.error());
  }
  if (auto ok = record(scope->tx(), tenant, blind, "suppression.removed", source, by, now); !ok) {
    return unexpected(ok.error());
  }
  // START after STOP: the person asks for messages again, marketing included.
  if (source == kSourceKeyword) {
    auto person = people.find(e164);
    if (!person) return unexpected(person.error());
    if (*person &&
        (*person)->record.consent_state == static_cast<std::uint8_t>(ConsentState::withdrawn)) {
      Consent again;
      again.source = ConsentSource::sms_keyword;
      again.wording = std::string(kResubscribeWording);
      again.obtained_at = clock_.now();
      auto state = people.append_consent((*person)->record.id, again, "sms");
      if (!state) return unexpected(state.error());
      if (auto ok = people.update(**person, *state); !ok) return unexpected(ok.error());
    }
  }
  if (auto ok = scope->commit(); !ok) return unexpected(ok.error());
  return true;
}

Expected<SuppressionView> SuppressionService::view(std::uint64_t tenant,
                                                   const store::SuppressionRecord& r) {
  SuppressionView v;
  v.id = r.id;
  v.source = r.source;
  v.created_at = time_of(r.created_at_ms);
  if (!r.subject_id || r.sealed.empty()) return v;
  auto key = keys_.subject_key(tenant, *r.subject_id);
  if (!key) {
    // An erased person: the entry keeps blocking, its number is gone for good.
    if (key.error().code == diskret::Errc::not_found) return v;
    return unexpected(key.error());
  }
  auto plain = open_suppression(*key, tenant, *r.subject_id, r.sealed);
  if (!plain) return unexpected(plain.error());
  v.phone = std::move(plain->phone);
  v.reason = std::move(plain->reason);
  return v;
}

Expected<std::optional<SuppressionView>> SuppressionService::find(std::uint64_t tenant,
                                                                  std::string_view e164) {
  auto tenant_keys = keys_.tenant(tenant);
  if (!tenant_keys) return unexpected(tenant_keys.error());
  auto r = contacts_.suppression(tenant, store::KeyRing::blind(**tenant_keys, e164));
  if (!r) return unexpected(r.error());
  if (!*r) return std::optional<SuppressionView>{};
  auto v = view(tenant, **r);
  if (!v) return unexpected(v.error());
  return std::optional<SuppressionView>{std::move(*v)};
}

Expected<SuppressionPage> SuppressionService::page(std::uint64_t tenant, std::uint64_t before_id,
                                                   std::size_t limit) {
  limit = std::clamp<std::size_t>(limit, 1, 500);
  auto rows = contacts_.suppressions(tenant, before_id, limit + 1);
  if (!rows) return unexpected(rows.error());
  SuppressionPage page;
  for (std::size_t i = 0; i < rows->size() && i < limit; ++i) {
    auto v = view(tenant, (*rows)[i]);
    if (!v) return unexpected(v.error());
    page.items.push_back(std::move(*v));
  }
  if (rows->size() > limit) page.next_before = page.items.back().id;
  return page;
}

}  // namespace diskret::contacts
