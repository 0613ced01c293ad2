// `diskret audit verify`: recomputes every audit chain and checks the signed checkpoints;
// names the first broken entry and exits 1 when the trail was tampered with.
#include <iostream>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "audit/actions.hpp"
#include "commands/commands.hpp"
#include "commands/privacy_context.hpp"

namespace diskret::app {
namespace {

struct VerifyOptions : CommonOptions {
  bool json = false;
};

int verify(const VerifyOptions& options) {
  auto config = load_config(options);
  const Clock& clock = SystemClock::instance();
  auto h = open_privacy(config, clock);
  auto report = must(h.audit->verify(), "cannot verify the audit trail");
  auto key = must(h.audit->public_key(), "cannot read the audit signing key");
  if (options.json) {
    boost::json::array breaks;
    for (const auto& b : report.breaks) {
      breaks.push_back(boost::json::object{{"tenant", b.tenant},
                                           {"seq", b.seq},
                                           {"kind", audit::to_string(b.kind)},
                                           {"description", b.description}});
    }
    std::cout << boost::json::serialize(boost::json::object{{"ok", report.ok()},
                                                            {"entries", report.entries},
                                                            {"chains", report.chains},
                                                            {"checkpoints", report.checkpoints_checked},
                                                            {"signing_key", key.hex()},
                                                            {"breaks", std::move(breaks)}})
              << "\n";
  } else if (report.ok()) {
    std::cout << fmt::format(
        "audit trail intact: {} entries in {} chain(s), {} signed checkpoint(s) matched\n"
        "signing key {} (public key {})\n",
        report.entries, report.chains, report.checkpoints_checked, key.id(), key.hex());
  } else {
    for (const auto& b : report.breaks) std::cout << b.description << "\n";
  }
  if (report.ok()) return 0;
  // A failed verification is itself an event worth a trail entry (and an alert).
  const auto* first = report.first_break();
  audit::AuditDraft entry;
  entry.actor = operator_actor();
  entry.action = std::string(audit::action::kAuditVerifyFailed);
  entry.object = fmt::format("audit:{}:{}", first->tenant, first->seq);
  entry.details = boost::json::serialize(boost::json::object{
      {"tenant", first->tenant}, {"seq", first->seq}, {"kind", audit::to_string(first->kind)},
      {"chains_broken", report.breaks.size()}});
  (void)h.audit->record(entry);
  (void)h.alerts->raise(first->tenant, privacy::alert::kAuditBroken, "critical", entry.details, operator_actor());
  std::cerr << "diskret: audit trail broken: " << first->description << "\n";
  return 1;
}

}  // namespace

void add_audit(CLI::App& app, Action& action) {
  auto* audit = app.add_subcommand("audit", "Check the tamper-evident audit trail");
  audit->require_subcommand(1);
  auto options = std::make_shared<VerifyOptions>();
  auto* cmd = audit->add_subcommand("verify", "Verify every audit chain; exit 1 when one is broken");
  add_common_options(*cmd, *options);
  cmd->add_flag("--json", options->json, "Print the result as JSON");
  cmd->callback([&action, options] { action = [options] { return verify(*options); }; });
}

}  // namespace diskret::app
