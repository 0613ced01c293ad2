// `diskret privacy export|erase --tenant T --phone P`, `privacy offboard --tenant T`,
// `privacy retention --tenant T [--set JSON]`, `privacy retention-run`.
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "audit/actions.hpp"
#include "commands/commands.hpp"
#include "commands/privacy_context.hpp"
#include "phone/phone_number.hpp"
#include "privacy/erasure.hpp"
#include "privacy/exporter.hpp"
#include "privacy/retention_job.hpp"

namespace diskret::app {
namespace {

struct SubjectOptions : CommonOptions {
  std::string tenant;
  std::string phone;
  std::string out;
  std::string set;
  bool yes = false;
  std::uint64_t grant = 0;
  std::string reason;
};

store::TenantRecord find_tenant(PrivacyHandle& h, const std::string& public_id) {
  auto t = must(h.storage.store->tenant_by_public_id(public_id), "cannot read tenant " + public_id);
  if (!t) throw Failure("no tenant " + public_id);
  return *t;
}

std::string e164_of(const store::TenantRecord& tenant, const std::string& text) {
  auto number = phone::PhoneNumber::parse(text, phone::Region{tenant.default_region});
  if (!number) throw Failure("--phone: " + number.error().message());
  return number->e164();
}

int do_export(const SubjectOptions& o) {
  auto config = load_config(o);
  const Clock& clock = SystemClock::instance();
  auto h = open_privacy(config, clock);
  auto tenant = find_tenant(h, o.tenant);
  const auto e164 = e164_of(tenant, o.phone);
  // The operator's staff have no standing access: a read needs the tenant's grant, or is
  // break-glass, which the tenant sees as a critical alert.
  const auto who = operator_name();
  if (o.grant != 0) {
    auto g = must(h.grants->check(tenant.id, o.grant, who), "no access");
    (void)g;
  } else {
    must(h.grants->break_glass(tenant.id, who,
                               o.reason.empty() ? "privacy export from the command line without a grant" : o.reason),
         "cannot record the break-glass access");
  }
  privacy::Exporter exporter(h.context(clock));
  exporter.set_person_data(h.person_data.get());
  auto document = must(exporter.collect(tenant.id, e164, operator_actor()), "cannot export");
  auto keys = must(h.storage.keys->tenant(tenant.id), "tenant key");
  must(h.grants->record_read(tenant.id, who, "subject export",
                             audit::subject_hex(store::KeyRing::blind(*keys, e164)),
                             o.grant != 0 ? "grant:" + std::to_string(o.grant) : "break-glass"),
       "cannot record the read");
  const auto json = privacy::to_json(document);
  if (o.out.empty()) {
    std::cout << json << "\n";
    return 0;
  }
  std::ofstream out(o.out, std::ios::binary | std::ios::trunc);
  out << json << "\n";
  if (!out.flush()) throw Failure("cannot write " + o.out);
  std::cout << "export of " << phone::PhoneNumber::mask_e164(e164) << " written to " << o.out << "\n";
  return 0;
}

int do_erase(const SubjectOptions& o) {
  auto config = load_config(o);
  const Clock& clock = SystemClock::instance();
  auto h = open_privacy(config, clock);
  auto tenant = find_tenant(h, o.tenant);
  const auto e164 = e164_of(tenant, o.phone);
  privacy::Eraser eraser(h.context(clock));
  eraser.set_person_data(h.person_data.get());
  auto r = must(eraser.erase(tenant.id, e164, operator_actor()), "cannot erase");
  std::cout << fmt::format(
      "{} erased from {}{}: contact {}, {} message(s) kept without the person, {} waiting "
      "message(s) cancelled, {} received message(s) deleted, {} subject key(s) destroyed; the "
      "number stays suppressed (reason \"erased\")\n",
      phone::PhoneNumber::mask_e164(e164), tenant.public_id, r.erased_before ? " (again)" : "",
      r.contact_deleted ? "deleted" : "none", r.messages_scrubbed, r.messages_cancelled,
      r.inbound_deleted, r.subject_keys_destroyed);
  if (!r.key_store_log_truncated) {
    std::cout << "note: a reader kept the key store's log busy; the destroyed key's old pages go "
                 "at the next checkpoint\n";
  }
  return 0;
}

int do_offboard(const SubjectOptions& o) {
  if (!o.yes) throw Failure("offboarding destroys every record of the tenant for good; add --yes");
  auto config = load_config(o);
  const Clock& clock = SystemClock::instance();
  auto h = open_privacy(config, clock);
  auto tenant = find_tenant(h, o.tenant);
  privacy::Eraser eraser(h.context(clock));
  eraser.set_person_data(h.person_data.get());
  auto r = must(eraser.offboard(tenant.id, operator_actor()), "cannot offboard");
  std::cout << fmt::format("tenant {} offboarded: {} data key(s) and {} subject key(s) destroyed\n",
                           tenant.public_id, r.tenant_keys_destroyed, r.subject_keys_destroyed);
  return 0;
}

int do_retention(const SubjectOptions& o) {
  auto config = load_config(o);
  const Clock& clock = SystemClock::instance();
  auto h = open_privacy(config, clock);
  auto tenant = find_tenant(h, o.tenant);
  privacy::Exporter exporter(h.context(clock));
  exporter.set_person_data(h.person_data.get());
  auto policy = must(exporter.retention(tenant.id), "cannot read the retention settings");
  if (!o.set.empty()) {
    policy = must(privacy::policy_from_json(o.set, policy), "--set");
    auto tx = must(h.storage.store->begin(), "cannot write");
    must(h.rows->put_retention_settings(*tx, tenant.id, privacy::to_json(policy), clock.now_ms()),
         "cannot write the retention settings");
    audit::AuditDraft entry;
    entry.tenant = tenant.id;
    entry.actor = operator_actor();
    entry.action = std::string(audit::action::kRetentionChanged);
    entry.object = "retention";
    entry.details = privacy::to_json(policy);
    must(h.audit->record(*tx, entry), "cannot audit the change");
    must(tx->commit(), "cannot write the retention settings");
  }
  std::cout << privacy::to_json(policy) << "\n";
  return 0;
}

int do_retention_run(const CommonOptions& o) {
  auto config = load_config(o);
  const Clock& clock = SystemClock::instance();
  auto h = open_privacy(config, clock);
  privacy::RetentionMetrics metrics;
  privacy::RetentionJob job(h.context(clock), metrics);
  auto counts = must(job.run_once(), "retention run failed");
  std::cout << fmt::format(
      "retention: {} message text(s) removed, {} message(s) pseudonymised, {} inbound text(s) "
      "removed, {} inbound message(s) pseudonymised\n",
      counts.message_texts, counts.message_numbers, counts.inbound_texts, counts.inbound_numbers);
  return 0;
}

void add_subject_options(CLI::App& cmd, SubjectOptions& o) {
  add_common_options(cmd, o);
  cmd.add_option("--tenant", o.tenant, "Tenant id (tn_...)")->required();
  cmd.add_option("--phone", o.phone, "Phone number (any common notation)")->required();
}

}  // namespace

void add_privacy(CLI::App& app, Action& action) {
  auto* privacy = app.add_subcommand("privacy", "Data-subject rights, retention, offboarding");
  privacy->require_subcommand(1);

  auto ex = std::make_shared<SubjectOptions>();
  auto* e = privacy->add_subcommand("export", "Everything held about one number, as JSON");
  add_subject_options(*e, *ex);
  e->add_option("--out", ex->out, "Write the JSON document to FILE instead of stdout");
  e->add_option("--grant", ex->grant, "Access grant id from the tenant (without it: break-glass, alerting the tenant)");
  e->add_option("--reason", ex->reason, "Why (recorded with a break-glass access)");
  e->callback([&action, ex] { action = [ex] { return do_export(*ex); }; });

  auto er = std::make_shared<SubjectOptions>();
  auto* r = privacy->add_subcommand("erase", "Erase one number from a tenant (crypto-shredding)");
  add_subject_options(*r, *er);
  r->callback([&action, er] { action = [er] { return do_erase(*er); }; });

  auto off = std::make_shared<SubjectOptions>();
  auto* o = privacy->add_subcommand("offboard", "Delete a tenant and destroy its data key");
  add_common_options(*o, *off);
  o->add_option("--tenant", off->tenant, "Tenant id (tn_...)")->required();
  o->add_flag("--yes", off->yes, "Confirm: nothing of the tenant is readable afterwards");
  o->callback([&action, off] { action = [off] { return do_offboard(*off); }; });

  auto ret = std::make_shared<SubjectOptions>();
  auto* t = privacy->add_subcommand("retention", "Show or change a tenant's retention periods");
  add_common_options(*t, *ret);
  t->add_option("--tenant", ret->tenant, "Tenant id (tn_...)")->required();
  t->add_option("--set", ret->set, R"(JSON, e.g. {"message_text_days": 7})");
  t->callback([&action, ret] { action = [ret] { return do_retention(*ret); }; });

  auto run = std::make_shared<CommonOptions>();
  auto* rr = privacy->add_subcommand("retention-run", "Run the retention job once now");
  add_common_options(*rr, *run);
  rr->callback([&action, run] { action = [run] { return do_retention_run(*run); }; });
}

}  // namespace diskret::app
