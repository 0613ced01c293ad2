#include "privacy/export_document.hpp"

#include <ctime>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace diskret::privacy {
namespace {

namespace json = boost::json;

json::value time_or_null(const std::optional<std::int64_t>& ms) {
  if (!ms) return nullptr;
  return json::value(rfc3339_ms(*ms));
}

json::value contact_json(const ExportContact& c) {
  json::object fields;
  for (const auto& [k, v] : c.fields) fields[k] = v;
  json::array lists;
  for (const auto& l : c.lists) lists.push_back(json::value(l));
  return json::object{{"first_name", c.first_name}, {"last_name", c.last_name},
                      {"fields", std::move(fields)}, {"lists", std::move(lists)},
                      {"created_at", rfc3339_ms(c.created_at_ms)},
                      {"updated_at", rfc3339_ms(c.updated_at_ms)}};
}

json::array consents_json(const std::vector<ExportConsent>& consents) {
  json::array out;
  for (const auto& c : consents) {
    out.push_back(json::object{{"purpose", c.purpose},
                               {"source", c.source},
                               {"wording", c.wording},
                               {"obtained_at", time_or_null(c.obtained_at_ms)},
                               {"double_opt_in_requested_at", time_or_null(c.requested_at_ms)},
                               {"double_opt_in_confirmed_at", time_or_null(c.confirmed_at_ms)},
                               {"withdrawn_at", time_or_null(c.withdrawn_at_ms)},
                               {"recorded_at", rfc3339_ms(c.recorded_at_ms)}});
  }
  return out;
}

json::array sent_json(const std::vector<ExportSentMessage>& sent) {
  json::array out;
  for (const auto& m : sent) {
    json::object o{{"id", m.id},
                   {"from", m.from},
                   {"text", m.text ? json::value(*m.text) : json::value(nullptr)},
                   {"status", m.status},
                   {"category", m.category},
                   {"segments", m.segments},
                   {"created_at", rfc3339_ms(m.created_at_ms)},
                   {"submitted_at", time_or_null(m.submitted_at_ms)},
                   {"done_at", time_or_null(m.done_at_ms)}};
    if (!m.text) o["text_removed"] = "retention period ended";
    if (!m.carrier.empty()) o["carrier"] = m.carrier;
    if (!m.error_code.empty()) o["error_code"] = m.error_code;
    out.push_back(std::move(o));
  }
  return out;
}

json::array received_json(const std::vector<ExportReceivedMessage>& received) {
  json::array out;
  for (const auto& m : received) {
    json::object o{{"id", m.id},
                   {"to", m.to},
                   {"text", m.text ? json::value(*m.text) : json::value(nullptr)},
                   {"received_at", rfc3339_ms(m.received_at_ms)}};
    if (!m.text) o["text_removed"] = "retention period ended";
    if (!m.carrier.empty()) o["carrier"] = m.carrier;
    out.push_back(std::move(o));
  }
  return out;
}

json::array audit_json(const std::vector<ExportAuditEntry>& audit) {
  json::array out;
  for (const auto& a : audit) {
    boost::system::error_code ec;
    auto details = json::parse(a.details, ec);
    out.push_back(json::object{{"seq", a.seq},
                               {"at", rfc3339_ms(a.at_ms)},
                               {"actor", a.actor},
                               {"action", a.action},
                               {"object", a.object},
                               {"details", ec ? json::value(a.details) : std::move(details)}});
  }
  return out;
}

json::object retention_json(const RetentionPolicy& p) {
  return {{"message_text_days", p.message_text.count()},
          {"message_numbers_days", p.message_numbers.count()},
          {"inbound_text_days", p.inbound_text.count()},
          {"inbound_numbers_days", p.inbound_numbers.count()}};
}

}  // namespace

std::string rfc3339_ms(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  const auto frac = static_cast<int>(ms - static_cast<std::int64_t>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

std::string to_json(const SubjectExport& d) {
  json::object doc{{"format", kExportFormat},
                   {"generated_at", rfc3339_ms(d.generated_at_ms)},
                   {"controller", json::object{{"tenant_id", d.tenant}}},
                   {"data_subject", json::object{{"phone", d.phone}}}};
  json::object suppression{{"suppressed", d.suppression.has_value()}};
  if (d.suppression) {
    suppression["reason"] = d.suppression->reason;
    suppression["since"] = rfc3339_ms(d.suppression->since_ms);
  }
  if (d.erased_at_ms) {
    // After erasure the tenant holds nothing about the person except the marker that keeps
    // them from being messaged again; whatever the caller passed in is not shown.
    doc["erased"] = true;
    doc["erased_at"] = rfc3339_ms(*d.erased_at_ms);
    doc["contact"] = nullptr;
    doc["consents"] = json::array{};
    doc["messages_sent"] = json::array{};
    doc["messages_received"] = json::array{};
    doc["suppression"] = std::move(suppression);
    doc["audit"] = audit_json(d.audit);
    doc["retention"] = retention_json(d.retention);
    return json::serialize(doc);
  }
  doc["erased"] = false;
  doc["contact"] = d.contact ? contact_json(*d.contact) : json::value(nullptr);
  doc["consents"] = consents_json(d.consents);
  doc["messages_sent"] = sent_json(d.sent);
  doc["messages_received"] = received_json(d.received);
  doc["suppression"] = std::move(suppression);
  std::set<std::string> carriers;
  for (const auto& m : d.sent) {
    if (!m.carrier.empty()) carriers.insert(m.carrier);
  }
  for (const auto& m : d.received) {
    if (!m.carrier.empty()) carriers.insert(m.carrier);
  }
  json::array recipients;
  for (const auto& c : carriers) recipients.push_back(json::object{{"carrier", c}, {"role", "sub-processor (mobile carrier)"}});
  doc["recipients"] = std::move(recipients);
  doc["retention"] = retention_json(d.retention);
  doc["audit"] = audit_json(d.audit);
  json::array clicks;
  for (const auto& c : d.link_clicks) {
    clicks.push_back(json::object{{"link", c.link}, {"clicked_at", rfc3339_ms(c.clicked_at_ms)}});
  }
  doc["link_clicks"] = std::move(clicks);
  return json::serialize(doc);
}

}  // namespace diskret::privacy
