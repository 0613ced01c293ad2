#include "privacy/erasure.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "audit/actions.hpp"
#include "pipeline/sealed_fields.hpp"

namespace diskret::privacy {
namespace {

std::string hex(const store::Blind& b) { return audit::subject_hex(b); }

std::vector<std::uint64_t> merge(std::vector<std::uint64_t> a, const std::vector<std::uint64_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  return a;
}

}  // namespace

struct Eraser::Scrubbed {
  bool contact_deleted = false;
  std::uint64_t messages_scrubbed = 0;
  std::uint64_t messages_cancelled = 0;
  std::uint64_t inbound_deleted = 0;
  std::uint64_t keyword_replies_deleted = 0;
  std::uint64_t stored_responses_deleted = 0;
  std::uint64_t held_deleted = 0;
};

// Everything of the person in diskret.db, inside `tx`. Rows are found by blind index
// (contact, suppression, messages held for review) and by subject id (messages, inbound,
// keyword replies).
Expected<Eraser::Scrubbed> Eraser::scrub_rows(store::WriteTransaction& tx, std::uint64_t tenant,
                                              const store::Blind& blind,
                                              std::span<const std::uint64_t> subject_ids,
                                              std::string_view e164) {
  Scrubbed out;
  const auto now = c_.clock.now_ms();
  auto tenant_keys = c_.keys.tenant(tenant);
  if (!tenant_keys) return unexpected(tenant_keys.error());
  auto w = c_.contacts.writes(tx);
  auto contact = w->find_contact(tenant, blind);
  if (!contact) return unexpected(contact.error());
  if (*contact) {
    auto deleted = w->delete_contact(tenant, (*contact)->id);
    if (!deleted) return unexpected(deleted.error());
    out.contact_deleted = *deleted;
  }
  // The suppression keeps only the blind index, so the person is never messaged again by
  // mistake; number and reason went with the subject key.
  auto suppression = w->find_suppression(tenant, blind);
  if (!suppression) return unexpected(suppression.error());
  const bool marker = *suppression && (*suppression)->source == "erased" && !(*suppression)->subject_id;
  if (!marker) {
    if (*suppression) {
      if (auto ok = w->delete_suppression(tenant, blind); !ok) return unexpected(ok.error());
    }
    store::SuppressionRecord s;
    s.tenant_id = tenant;
    s.blind = blind;
    s.source = "erased";
    s.created_at_ms = now;
    if (auto ok = w->insert_suppression(s); !ok) return unexpected(ok.error());
    if (auto ok = w->log_suppression(tenant, blind, "added", "erased", now); !ok) return unexpected(ok.error());
  }

  auto cancelled = c_.rows.fail_waiting(tx, tenant, subject_ids, "erased", now);
  if (!cancelled) return unexpected(cancelled.error());
  out.messages_cancelled = *cancelled;
  auto messages = c_.rows.rows_of_subjects(store::RowTable::messages, tenant, subject_ids);
  if (!messages) return unexpected(messages.error());
  for (const auto& m : *messages) {
    // Statistics and billing stay; number, text and client reference do not.
    auto empty = pipeline::seal_payload((*tenant_keys)->data_key, tenant, m.id, pipeline::Payload{});
    if (auto ok = c_.rows.rewrite(tx, store::RowTable::messages, m.id, empty, std::nullopt,
                                  store::scrub::kPseudonymised);
        !ok) {
      return unexpected(ok.error());
    }
    ++out.messages_scrubbed;
  }
  auto inbound = c_.rows.rows_of_subjects(store::RowTable::inbound, tenant, subject_ids);
  if (!inbound) return unexpected(inbound.error());
  std::vector<std::uint64_t> inbound_ids;
  for (const auto& i : *inbound) inbound_ids.push_back(i.id);
  auto deleted = c_.rows.delete_inbound(tx, tenant, inbound_ids);
  if (!deleted) return unexpected(deleted.error());
  out.inbound_deleted = *deleted;
  auto held = c_.rows.delete_held_messages(tx, tenant, blind);
  if (!held) return unexpected(held.error());
  out.held_deleted = *held;
  auto replies = c_.rows.delete_keyword_replies(tx, tenant, subject_ids);
  if (!replies) return unexpected(replies.error());
  out.keyword_replies_deleted = *replies;

  // Stored idempotent responses repeat the recipient's number (sealed under the tenant
  // key): open the tenant's few recent ones and drop those that name the person.
  if (!e164.empty()) {
    auto stored = c_.rows.idempotency_rows(tx, tenant);
    if (!stored) return unexpected(stored.error());
    for (const auto& r : *stored) {
      store::IdempotencyRecord record{tenant, r.key, r.sealed, 0};
      auto opened = pipeline::open_idempotency((*tenant_keys)->data_key, record);
      if (!opened || opened->second.find(e164) == std::string::npos) continue;
      if (auto ok = c_.rows.delete_idempotency(tx, tenant, r.key); !ok) return unexpected(ok.error());
      ++out.stored_responses_deleted;
    }
  }
  return out;
}

Expected<ErasureReport> Eraser::erase(std::uint64_t tenant, std::string_view e164, std::string_view actor) {
  auto tenant_keys = c_.keys.tenant(tenant);
  if (!tenant_keys) return unexpected(tenant_keys.error());
  const auto blind = store::KeyRing::blind(**tenant_keys, e164);
  ErasureReport report;
  auto before = c_.vault.erased_subject(tenant, blind);
  if (!before) return unexpected(before.error());
  report.erased_before = before->has_value();

  auto tx = c_.store.begin();
  if (!tx) return unexpected(tx.error());
  std::vector<std::uint64_t> ids = *before ? (*before)->subject_ids : std::vector<std::uint64_t>{};
  auto live = (*tx)->find_subject(tenant, blind);
  if (!live) return unexpected(live.error());
  if (*live) ids = merge(ids, {(*live)->subject_id});
  auto scrubbed = scrub_rows(**tx, tenant, blind, ids, e164);
  if (!scrubbed) return unexpected(scrubbed.error());
  report.contact_deleted = scrubbed->contact_deleted;
  report.messages_scrubbed = scrubbed->messages_scrubbed;
  report.messages_cancelled = scrubbed->messages_cancelled;
  report.inbound_deleted = scrubbed->inbound_deleted;
  report.held_deleted = scrubbed->held_deleted;
  report.keyword_replies_deleted = scrubbed->keyword_replies_deleted;
  report.stored_responses_deleted = scrubbed->stored_responses_deleted;

  audit::AuditDraft entry;
  entry.tenant = tenant;
  entry.actor = std::string(actor);
  entry.action = std::string(audit::action::kErasure);
  entry.object = "subject";
  entry.subject = hex(blind);
  entry.details = boost::json::serialize(boost::json::object{
      {"contact_deleted", report.contact_deleted},
      {"messages_scrubbed", report.messages_scrubbed},
      {"messages_cancelled", report.messages_cancelled},
      {"inbound_deleted", report.inbound_deleted},
      {"held_deleted", report.held_deleted},
      {"repeated", report.erased_before}});
  if (auto ok = c_.audit.record(**tx, entry); !ok) return unexpected(ok.error());
  if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  // Messages to the person still queued in this process's memory are dropped from now on.
  c_.keys.note_erased(tenant, blind);
  if (person_data_) {
    // Own tables on their own connection: an error fails the erasure, which is run again.
    auto deleted = person_data_->erase(tenant, blind);
    if (!deleted) return unexpected(deleted.error());
    report.link_codes_deleted = *deleted;
  }

  // Only now the key: a crash before this point leaves the key and the erasure is run
  // again; after it, every copy of the person's data is unreadable.
  auto destroyed = c_.vault.destroy_subject(tenant, blind, c_.clock.now_ms());
  if (!destroyed) return unexpected(destroyed.error());
  for (auto id : destroyed->subject_ids) c_.keys.forget_subject(id);
  for (auto id : ids) c_.keys.forget_subject(id);
  report.subject_keys_destroyed = destroyed->subject_ids.size();
  report.key_store_log_truncated = destroyed->log_truncated;
  return report;
}

Expected<OffboardReport> Eraser::offboard(std::uint64_t tenant, std::string_view actor) {
  auto tx = c_.store.begin();
  if (!tx) return unexpected(tx.error());
  if (auto ok = c_.rows.remove_tenant_data(**tx, tenant, c_.clock.now_ms()); !ok) return unexpected(ok.error());
  audit::AuditDraft entry;
  entry.tenant = 0;  // the platform's chain: the tenant's own trail stays as it was
  entry.actor = std::string(actor);
  entry.action = std::string(audit::action::kTenantOffboarded);
  entry.object = "tenant:" + std::to_string(tenant);
  if (auto ok = c_.audit.record(**tx, entry); !ok) return unexpected(ok.error());
  if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  auto destroyed = c_.vault.destroy_tenant(tenant, c_.clock.now_ms());
  if (!destroyed) return unexpected(destroyed.error());
  c_.keys.forget_tenant(tenant);
  for (auto id : destroyed->subject_ids) c_.keys.forget_subject(id);
  return OffboardReport{destroyed->tenant_keys, destroyed->subject_ids.size()};
}

Expected<std::uint64_t> Eraser::reapply() {
  // Offboardings first: their rows go entirely, whatever erasures say about them.
  auto offboarded = c_.vault.offboarded_tenants();
  if (!offboarded) return unexpected(offboarded.error());
  auto live = c_.rows.tenants();
  if (!live) return unexpected(live.error());
  auto max_tenant = c_.vault.max_tenant_id();
  if (!max_tenant) return unexpected(max_tenant.error());
  {
    auto tx = c_.store.begin();
    if (!tx) return unexpected(tx.error());
    for (const auto& o : *offboarded) {
      if (std::find(live->begin(), live->end(), o.tenant_id) == live->end()) continue;
      if (auto ok = c_.rows.remove_tenant_data(**tx, o.tenant_id, o.offboarded_at_ms); !ok) {
        return unexpected(ok.error());
      }
      c_.keys.forget_tenant(o.tenant_id);
    }
    if (auto ok = c_.rows.reserve_tenant_ids(**tx, *max_tenant); !ok) return unexpected(ok.error());
    if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  }

  auto marker = c_.rows.state(std::string(kErasuresApplied));
  if (!marker) return unexpected(marker.error());
  std::uint64_t applied = 0;
  auto after = static_cast<std::uint64_t>(*marker);
  for (;;) {
    auto batch = c_.vault.erased_subjects(after, 100);
    if (!batch) return unexpected(batch.error());
    if (batch->empty()) return applied;
    auto tx = c_.store.begin();
    if (!tx) return unexpected(tx.error());
    for (const auto& e : *batch) {
      after = e.id;
      const bool gone = std::any_of(offboarded->begin(), offboarded->end(),
                                    [&](const auto& o) { return o.tenant_id == e.tenant_id; });
      if (gone) continue;
      auto scrubbed = scrub_rows(**tx, e.tenant_id, e.blind, e.subject_ids, "");
      if (!scrubbed) return unexpected(scrubbed.error());
      ++applied;
    }
    if (auto ok = c_.rows.set_state(**tx, std::string(kErasuresApplied), static_cast<std::int64_t>(after)); !ok) {
      return unexpected(ok.error());
    }
    if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  }
}

}  // namespace diskret::privacy
