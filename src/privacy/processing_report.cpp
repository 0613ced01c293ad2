#include "privacy/processing_report.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "privacy/export_document.hpp"

namespace diskret::privacy {
namespace {

namespace json = boost::json;

std::uint64_t count_of(const ProcessingInputs& in, std::string_view table) {
  for (const auto& [name, n] : in.counts) {
    if (name == table) return n;
  }
  return 0;
}

json::object category(std::string_view name, std::string_view data, std::uint64_t records,
                      std::string_view retention, std::string_view protection) {
  return json::object{{"category", name}, {"data", data},         {"records", records},
                      {"held", records > 0}, {"retention", retention}, {"protection", protection}};
}

}  // namespace

std::string processing_report_json(const ProcessingInputs& in) {
  const auto& r = in.retention;
  const auto texts = fmt::format("{} days after the message is final, then removed", r.message_text.count());
  const auto numbers = fmt::format("{} days after the message is final, then pseudonymised", r.message_numbers.count());
  const auto mo_texts = fmt::format("{} days after receipt, then removed", r.inbound_text.count());
  const auto mo_numbers = fmt::format("{} days after receipt, then pseudonymised", r.inbound_numbers.count());
  constexpr std::string_view kSubjectKey =
      "XChaCha20-Poly1305 under a per-person key (crypto-shredded on erasure)";
  json::array categories{
      category("recipients' phone numbers", "E.164 numbers of message recipients",
               count_of(in, "messages"), numbers, kSubjectKey),
      category("message content", "texts and client references of sent messages",
               count_of(in, "messages"), texts, kSubjectKey),
      category("received messages", "sender numbers and texts of inbound messages",
               count_of(in, "inbound_messages"),
               fmt::format("texts {}; numbers {}", mo_texts, mo_numbers), kSubjectKey),
      category("contacts", "phone numbers, names and custom fields of the tenant's contacts",
               count_of(in, "contacts"), "until the tenant deletes the contact or the person is erased",
               kSubjectKey),
      category("consent records", "purpose, source, wording and times of marketing consent",
               count_of(in, "consents"), "as long as the contact (proof of consent)",
               "stored with the contact; no direct identifiers"),
      category("opt-out list", "blind index of numbers that must not be messaged",
               count_of(in, "suppressions"),
               "indefinitely (needed to honour the opt-out); after erasure only the keyed index",
               "keyed BLAKE2b index per tenant; number and reason under the person's key"),
      category("portal users", "email addresses and roles of the tenant's users",
               count_of(in, "users"), "until the user is removed",
               "email under the tenant key; passwords as Argon2id hashes"),
  };
  json::array carriers;
  for (const auto& c : in.carriers) {
    json::array prefixes;
    for (const auto& p : c.prefixes) prefixes.push_back(json::value(p));
    carriers.push_back(json::object{{"name", c.name},
                                    {"role", "mobile carrier (SMPP), delivers messages to recipients"},
                                    {"host", c.host},
                                    {"port", c.port},
                                    {"prefixes", std::move(prefixes)},
                                    {"data", "recipient number and message text, per message"}});
  }
  const auto& s = in.security;
  json::array measures{
      "personal data encrypted at rest: XChaCha20-Poly1305, per-tenant data keys under a master key "
      "(" + s.master_key_source + "), per-person keys under the tenant key",
      "key store kept apart from the data and from backups: erasure and offboarding destroy keys "
      "(crypto-shredding), which reaches every backup",
      "blind indexes keyed per tenant: the same person in two tenants cannot be linked",
      "tamper-evident audit trail: SHA-256 hash chain per tenant, Ed25519-signed checkpoints every " +
          std::to_string(s.audit_checkpoint_every) + " entries",
      "encrypted, authenticated backups (XChaCha20-Poly1305 secretstream)",
      std::string(s.durable_commits ? "every accepted message is fsync'd before it is acknowledged"
                                    : "WARNING: commits are not fsync'd"),
      std::string(s.http_tls ? "API served over TLS" : "API served over plain HTTP: TLS must be terminated in front of diskret"),
      std::string(s.smtp_starttls ? "SMTP offers STARTTLS" : "SMTP without STARTTLS"),
      "logs show phone numbers masked and never message texts",
      "API keys stored as keyed hashes; user passwords as Argon2id",
      "no standing operator access: support reads need a time-limited grant by a tenant admin and "
      "land in the tenant's audit trail",
      std::string(s.billing_card_vault ? "card data only in the separate card vault (PCI DSS scope separation)"
                                       : "billing disabled: no card data processed"),
  };
  json::object doc{
      {"format", "diskret-processing-record/1"},
      {"generated_at", rfc3339_ms(in.generated_at_ms)},
      {"controller", json::object{{"tenant_id", in.tenant}, {"name", in.tenant_name}}},
      {"processor", json::object{{"name", "diskret"}, {"role", "processor (GDPR art. 28)"}}},
      {"purposes", json::array{"sending transactional and marketing SMS on the tenant's behalf",
                               "receiving replies to the tenant's numbers",
                               "managing contacts, consent and opt-outs for the tenant"}},
      {"data_subjects", json::array{"the tenant's customers and contacts (message recipients and senders)",
                                    "the tenant's portal users"}},
      {"categories", std::move(categories)},
      {"retention", json::object{{"message_text_days", r.message_text.count()},
                                 {"message_numbers_days", r.message_numbers.count()},
                                 {"inbound_text_days", r.inbound_text.count()},
                                 {"inbound_numbers_days", r.inbound_numbers.count()}}},
      {"sub_processors", std::move(carriers)},
      {"security_measures", std::move(measures)},
      {"store", s.store},
      {"master_key", json::object{{"source", s.master_key_source},
                                  {"in_force_since", s.master_key_since_ms ? json::value(rfc3339_ms(*s.master_key_since_ms))
                                                                           : json::value(nullptr)}}},
      {"audit_signing_key", s.audit_signing_key_id},
      {"rights", json::object{{"access_and_portability", "POST /v1/privacy/exports"},
                              {"erasure", "POST /v1/privacy/erasures"},
                              {"audit_trail", "GET /v1/audit"}}}};
  return json::serialize(doc);
}

}  // namespace diskret::privacy
