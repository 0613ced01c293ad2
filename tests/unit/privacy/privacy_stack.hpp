#pragma once
// Everything the privacy operations work on, over one Process, plus helpers that write a
// person's data the way the pipeline, contacts and inbound modules store it.
#include <memory>
#include <string>

#include "audit/audit_log.hpp"
#include "contacts/sealed_fields.hpp"
#include "inbound/sealed_inbound.hpp"
#include "pipeline/sealed_fields.hpp"
#include "privacy/erasure.hpp"
#include "privacy/exporter.hpp"
#include "store/sqlite/sqlite_audit_chain.hpp"
#include "store/sqlite/sqlite_contact_store.hpp"
#include "store/sqlite/sqlite_inbound_store.hpp"
#include "store/sqlite/sqlite_privacy_store.hpp"
#include "unit/privacy/privacy_fixture.hpp"

namespace diskret::privacy::testing {

class Stack {
 public:
  Stack(const TempDir& dir, FakeClock& clock) : clock_(clock), p(dir, clock) { build(); }

  /// Closes and opens everything again (a restart; files stay).
  void reopen() {
    teardown();
    p.open();
    build();
  }
  void teardown() {
    eraser.reset();
    exporter.reset();
    audit.reset();
    audit_rows.reset();
    rows.reset();
    inbound.reset();
    contacts.reset();
  }

  PrivacyContext context() {
    return PrivacyContext{*p.store, *p.keys, *p.vault, *contacts, *rows, *audit, clock_};
  }

  std::shared_ptr<const store::TenantKeys> tenant_keys(std::uint64_t tenant) { return must(p.keys->tenant(tenant)); }
  store::Blind blind(std::uint64_t tenant, const std::string& e164) {
    return store::KeyRing::blind(*tenant_keys(tenant), e164);
  }

  /// A final (delivered) message to `e164`, created now; returns its id.
  std::uint64_t send(std::uint64_t tenant, const std::string& e164, const std::string& text,
                     std::uint8_t status = store::state::kDelivered) {
    const auto id = (static_cast<std::uint64_t>(clock_.now_ms()) << 16) | (++seq_ & 0xffff);
    auto tx = must(p.store->begin());
    auto subject = must(p.keys->subject_for_write(*tx, tenant, *tenant_keys(tenant), e164, clock_.now_ms()));
    store::MessageRecord m;
    m.id = id;
    m.tenant_id = tenant;
    m.subject_id = subject.subject_id;
    m.status = status;
    m.segments = 1;
    m.encoding = "gsm7";
    m.sender = "ACME";
    m.carrier = "carrier-a";
    m.payload = pipeline::seal_payload(subject.key, tenant, id, {e164, text, "ref-1"});
    if (status >= store::state::kDelivered) m.done_at_ms = clock_.now_ms();
    must(tx->insert_message(m));
    must(tx->commit());
    p.keys->publish_new_subjects();
    return id;
  }

  /// A contact with a consent and a list membership.
  void add_contact(std::uint64_t tenant, const std::string& e164, const std::string& first) {
    auto tx = must(p.store->begin());
    auto subject = must(p.keys->subject_for_write(*tx, tenant, *tenant_keys(tenant), e164, clock_.now_ms()));
    auto w = contacts->writes(*tx);
    store::ContactRecord c;
    c.tenant_id = tenant;
    c.blind = blind(tenant, e164);
    c.subject_id = subject.subject_id;
    c.sealed = contacts::seal_contact(subject.key, tenant, subject.subject_id,
                                      {e164, first, "Muster", {{"kundennr", "K-17"}}});
    c.created_at_ms = c.updated_at_ms = clock_.now_ms();
    auto id = must(w->insert_contact(c));
    store::ConsentRow consent;
    consent.tenant_id = tenant;
    consent.contact_id = id;
    consent.purpose = "marketing";
    consent.source = "web_form";
    consent.wording = "Ja, ich will SMS.";
    consent.obtained_at_ms = clock_.now_ms();
    consent.recorded_at_ms = clock_.now_ms();
    consent.recorded_by = "api_key:1";
    must(w->insert_consent(consent));
    store::ListRecord list;
    list.tenant_id = tenant;
    list.name = "Newsletter";
    list.created_at_ms = clock_.now_ms();
    auto list_id = must(w->insert_list(list));
    must(w->add_member(list_id, id));
    must(tx->commit());
    p.keys->publish_new_subjects();
  }

  /// A received MO from `e164`; returns its id.
  std::uint64_t receive(std::uint64_t tenant, const std::string& e164, const std::string& text) {
    const auto id = (static_cast<std::uint64_t>(clock_.now_ms()) << 16) | (++seq_ & 0xffff);
    auto tx = must(p.store->begin());
    auto subject = must(p.keys->subject_for_write(*tx, tenant, *tenant_keys(tenant), e164, clock_.now_ms()));
    store::InboundMessageRecord m;
    m.id = id;
    m.tenant_id = tenant;
    m.subject_id = subject.subject_id;
    m.number = "+4930123456";
    m.payload = inbound::seal_mo(subject.key, tenant, id, {e164, text});
    m.carrier = "carrier-a";
    m.received_at_ms = clock_.now_ms();
    m.handled = true;
    must(inbound->writes(*tx)->insert_inbound(m));
    must(tx->commit());
    p.keys->publish_new_subjects();
    return id;
  }

  void suppress(std::uint64_t tenant, const std::string& e164, const std::string& reason) {
    auto tx = must(p.store->begin());
    auto subject = must(p.keys->subject_for_write(*tx, tenant, *tenant_keys(tenant), e164, clock_.now_ms()));
    store::SuppressionRecord s;
    s.tenant_id = tenant;
    s.blind = blind(tenant, e164);
    s.subject_id = subject.subject_id;
    s.sealed = contacts::seal_suppression(subject.key, tenant, subject.subject_id, {e164, reason});
    s.source = "sms_keyword";
    s.created_at_ms = clock_.now_ms();
    must(contacts->writes(*tx)->insert_suppression(s));
    must(tx->commit());
    p.keys->publish_new_subjects();
  }

  FakeClock& clock_;
  Process p;
  std::unique_ptr<store::sqlite::SqliteContactStore> contacts;
  std::unique_ptr<store::sqlite::SqliteInboundStore> inbound;
  std::unique_ptr<store::sqlite::SqlitePrivacyStore> rows;
  std::unique_ptr<store::sqlite::SqliteAuditChain> audit_rows;
  std::unique_ptr<audit::AuditLog> audit;
  std::unique_ptr<Eraser> eraser;
  std::unique_ptr<Exporter> exporter;

 private:
  void build() {
    contacts = std::make_unique<store::sqlite::SqliteContactStore>(*p.store);
    inbound = std::make_unique<store::sqlite::SqliteInboundStore>(*p.store);
    rows = std::make_unique<store::sqlite::SqlitePrivacyStore>(*p.store);
    audit_rows = std::make_unique<store::sqlite::SqliteAuditChain>(*p.store);
    audit = std::make_unique<audit::AuditLog>(*p.store, *audit_rows, *p.vault, *p.services, clock_);
    eraser = std::make_unique<Eraser>(context());
    exporter = std::make_unique<Exporter>(context());
  }
  std::uint64_t seq_ = 0;
};

}  // namespace diskret::privacy::testing
