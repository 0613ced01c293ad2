// `diskret keys rotate`: a new master key, every tenant and service key rewrapped in one
// key-store transaction, the old key destroyed; safe while `diskret serve` runs.
#include <iostream>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "audit/actions.hpp"
#include "commands/commands.hpp"
#include "commands/privacy_context.hpp"
#include "privacy/key_rotation.hpp"

namespace diskret::app {
namespace {

int rotate(const CommonOptions& options) {
  auto config = load_config(options);
  const Clock& clock = SystemClock::instance();
  auto h = open_privacy(config, clock);
  const auto paths = data_paths(config);
  auto report = must(privacy::rotate_master_key(paths.master_key, *h.keys.vault, *h.keys.master,
                                                *h.keys.services, clock),
                     "cannot rotate the master key");
  audit::AuditDraft entry;
  entry.tenant = 0;
  entry.actor = operator_actor();
  entry.action = std::string(audit::action::kMasterKeyRotated);
  entry.object = "master_key";
  entry.details = boost::json::serialize(boost::json::object{
      {"old_key_id", report.old_key_id},
      {"new_key_id", report.new_key_id},
      {"tenant_keys", report.rewrapped.tenant_keys},
      {"service_keys", report.rewrapped.service_keys}});
  must(h.audit->record(entry), "the key was rotated, but the audit entry failed");
  (void)h.alerts->raise(0, privacy::alert::kKeyRotated, "info", entry.details, operator_actor());
  std::cout << fmt::format(
      "master key rotated: {} -> {}\n{} tenant key(s) and {} service key(s) rewrapped; the old "
      "key is destroyed.\n",
      report.old_key_id, report.new_key_id, report.rewrapped.tenant_keys, report.rewrapped.service_keys);
  return 0;
}

}  // namespace

void add_keys(CLI::App& app, Action& action) {
  auto* keys = app.add_subcommand("keys", "Manage the master key");
  keys->require_subcommand(1);
  auto options = std::make_shared<CommonOptions>();
  auto* cmd = keys->add_subcommand(
      "rotate", "Replace the master key; data keys are rewrapped, nothing is re-encrypted in bulk");
  add_common_options(*cmd, *options);
  cmd->callback([&action, options] { action = [options] { return rotate(*options); }; });
}

}  // namespace diskret::app
