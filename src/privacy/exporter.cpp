#include "privacy/exporter.hpp"

#include <map>

#include <boost/json.hpp>

#include "audit/actions.hpp"
#include "contacts/sealed_fields.hpp"
#include "inbound/sealed_inbound.hpp"
#include "pipeline/message.hpp"
#include "pipeline/sealed_fields.hpp"

namespace diskret::privacy {
namespace {

ExportConsent consent_of(const store::ConsentRow& r) {
  return {r.purpose, r.source, r.wording, r.obtained_at_ms, r.requested_at_ms,
          r.confirmed_at_ms, r.withdrawn_at_ms, r.recorded_at_ms};
}

// Details, for the export: what was read, never the values.
std::string export_details(const SubjectExport& d) {
  return boost::json::serialize(boost::json::object{{"contact", d.contact.has_value()},
                                                    {"messages_sent", d.sent.size()},
                                                    {"messages_received", d.received.size()},
                                                    {"erased", d.erased_at_ms.has_value()}});
}

}  // namespace

Expected<RetentionPolicy> Exporter::retention(std::uint64_t tenant) {
  auto stored = c_.rows.retention_settings(tenant);
  if (!stored) return unexpected(stored.error());
  if (!*stored) return RetentionPolicy{};
  return policy_from_json(**stored);
}

Expected<SubjectExport> Exporter::collect(std::uint64_t tenant, std::string_view e164, std::string_view actor) {
  auto tenant_row = c_.store.tenant(tenant);
  if (!tenant_row) return unexpected(tenant_row.error());
  if (!*tenant_row) return fail(diskret::Errc::not_found, "no such tenant");
  auto tenant_keys = c_.keys.tenant(tenant);
  if (!tenant_keys) return unexpected(tenant_keys.error());
  const auto blind = store::KeyRing::blind(**tenant_keys, e164);

  SubjectExport d;
  d.tenant = (*tenant_row)->public_id;
  d.phone = std::string(e164);
  d.generated_at_ms = c_.clock.now_ms();
  auto policy = retention(tenant);
  if (!policy) return unexpected(policy.error());
  d.retention = *policy;

  auto suppression = c_.contacts.suppression(tenant, blind);
  if (!suppression) return unexpected(suppression.error());
  auto erased = c_.vault.erased_subject(tenant, blind);
  if (!erased) return unexpected(erased.error());

  // The person's subject (key store): found through a short write transaction, the only
  // way the Store reads subject_index.
  std::optional<store::SubjectRecord> subject;
  {
    auto tx = c_.store.begin();
    if (!tx) return unexpected(tx.error());
    auto found = (*tx)->find_subject(tenant, blind);
    if (!found) return unexpected(found.error());
    subject = *found;
  }
  if (person_data_ && !(*erased && !subject)) {
    auto clicks = person_data_->link_clicks(tenant, blind);
    if (!clicks) return unexpected(clicks.error());
    d.link_clicks = std::move(*clicks);
  }
  if (*erased && !subject) {
    d.erased_at_ms = (*erased)->erased_at_ms;
  } else if (subject) {
    auto key = c_.keys.subject_key(tenant, subject->subject_id);
    if (!key) return unexpected(key.error());
    auto contact = c_.contacts.contact_by_blind(tenant, blind);
    if (!contact) return unexpected(contact.error());
    if (*contact) {
      auto plain = contacts::open_contact(*key, tenant, (*contact)->subject_id, (*contact)->sealed);
      if (!plain) return unexpected(plain.error());
      ExportContact ec{plain->first_name, plain->last_name, plain->fields, {},
                       (*contact)->created_at_ms, (*contact)->updated_at_ms};
      auto member_of = c_.contacts.memberships(tenant, (*contact)->id);
      auto lists = c_.contacts.lists(tenant);
      if (!member_of || !lists) return unexpected(!member_of ? member_of.error() : lists.error());
      for (auto id : *member_of) {
        for (const auto& l : *lists) {
          if (l.id == id) ec.lists.push_back(l.name);
        }
      }
      d.contact = std::move(ec);
      auto consents = c_.contacts.consents(tenant, (*contact)->id);
      if (!consents) return unexpected(consents.error());
      for (const auto& r : *consents) d.consents.push_back(consent_of(r));
    }
    const std::uint64_t ids[] = {subject->subject_id};
    auto sent = c_.rows.rows_of_subjects(store::RowTable::messages, tenant, ids);
    if (!sent) return unexpected(sent.error());
    for (const auto& row : *sent) {
      auto m = c_.store.message(tenant, row.id);
      if (!m) return unexpected(m.error());
      if (!*m) continue;
      auto payload = pipeline::open_payload(c_.keys, **m);
      if (!payload) return unexpected(payload.error());
      ExportSentMessage out;
      out.id = pipeline::format_message_id(pipeline::MessageId{row.id});
      out.from = (*m)->sender;
      if (row.scrubbed == store::scrub::kNone) out.text = payload->text;
      out.status = pipeline::status_name(static_cast<pipeline::MessageStatus>((*m)->status));
      out.category = pipeline::category_name(static_cast<pipeline::Category>((*m)->category));
      out.segments = (*m)->segments;
      out.created_at_ms = static_cast<std::int64_t>(row.id >> 16);
      out.submitted_at_ms = (*m)->submitted_at_ms;
      out.done_at_ms = (*m)->done_at_ms;
      out.carrier = (*m)->carrier;
      out.error_code = (*m)->error_code;
      d.sent.push_back(std::move(out));
    }
    auto received = c_.rows.rows_of_subjects(store::RowTable::inbound, tenant, ids);
    if (!received) return unexpected(received.error());
    for (const auto& row : *received) {
      auto mo = inbound::open_mo(*key, tenant, row.id, row.payload);
      if (!mo) return unexpected(mo.error());
      ExportReceivedMessage out;
      out.id = pipeline::format_message_id(pipeline::MessageId{row.id});
      if (row.scrubbed == store::scrub::kNone) out.text = mo->text;
      out.received_at_ms = row.done_at_ms.value_or(0);
      d.received.push_back(std::move(out));
    }
  }
  if (*suppression) {
    std::string reason = (*suppression)->source;
    if ((*suppression)->subject_id && subject && !(*suppression)->sealed.empty()) {
      auto key = c_.keys.subject_key(tenant, *(*suppression)->subject_id);
      if (key) {
        auto plain = contacts::open_suppression(*key, tenant, *(*suppression)->subject_id, (*suppression)->sealed);
        if (plain && !plain->reason.empty()) reason = plain->reason;
      }
    }
    d.suppression = ExportSuppression{reason, (*suppression)->created_at_ms};
  }
  auto entries = c_.audit.page({.tenant_id = tenant, .limit = 1000, .subject = blind});
  if (!entries) return unexpected(entries.error());
  for (auto it = entries->rbegin(); it != entries->rend(); ++it) {
    d.audit.push_back({it->seq, it->at_ms, it->actor, it->action, it->object, it->details});
  }

  audit::AuditDraft entry;
  entry.tenant = tenant;
  entry.actor = std::string(actor);
  entry.action = std::string(audit::action::kExport);
  entry.object = "subject";
  entry.subject = audit::subject_hex(blind);
  entry.details = export_details(d);
  if (auto ok = c_.audit.record(entry); !ok) return unexpected(ok.error());
  return d;
}

}  // namespace diskret::privacy
