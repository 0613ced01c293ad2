// `diskret backup create FILE` (online, while the server runs) and `diskret backup restore
// FILE` (server stopped; every node in multi-node mode): encrypted, authenticated backups of
// diskret.db, or of the PostgreSQL main database (pg_dump). The key store is
// never in a backup; see docs/security.md.
#include <iostream>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "audit/actions.hpp"
#include "commands/commands.hpp"
#include "commands/privacy_context.hpp"
#include "privacy/backups.hpp"
#include "store/postgresql/pg_migrations.hpp"
#include "store/sqlite/migrations.hpp"

namespace diskret::app {
namespace {

struct BackupOptions : CommonOptions {
  std::string file;
};

int create(const BackupOptions& options) {
  auto config = load_config(options);
  const Clock& clock = SystemClock::instance();
  auto h = open_privacy(config, clock);
  const auto paths = data_paths(config);
  const std::string master_id = h.keys.master->current().id;
  // Multi-node mode: a pg_dump of the main database, sealed the same way.
  auto created = must(on_postgresql(config)
                          ? privacy::create_postgresql_backup(options.file, config.store.url,
                                                              *h.keys.services, master_id, clock)
                          : privacy::create_backup(options.file, paths.main_db, *h.keys.services,
                                                   master_id, clock),
                      "cannot create the backup");
  audit::AuditDraft entry;
  entry.actor = operator_actor();
  entry.action = std::string(audit::action::kBackupCreated);
  entry.object = "backup";
  entry.details = boost::json::serialize(boost::json::object{
      {"created_at_ms", created.header.created_at_ms},
      {"bytes", created.file_bytes},
      {"schema_version", created.header.items[0].schema_version},
      {"backup_key", created.header.backup_key_id}});
  must(h.audit->record(entry), "the backup was written, but the audit entry failed");
  std::cout << fmt::format("backup written to {} ({} bytes, database schema {})\n", options.file,
                           created.file_bytes, created.header.items[0].schema_version);
  return 0;
}

int restore(const BackupOptions& options) {
  auto config = load_config(options);
  const Clock& clock = SystemClock::instance();
  const auto paths = data_paths(config);
  const bool postgresql = on_postgresql(config);
  std::int64_t newest = 0;
  if (postgresql) {
    for (const auto& m : store::postgresql::main_migrations()) newest = std::max<std::int64_t>(newest, m.version);
  } else {
    for (const auto& m : store::sqlite::main_migrations()) newest = std::max<std::int64_t>(newest, m.version);
  }
  privacy::RestoredFiles restored;
  {
    auto keys = open_key_side(config, clock);  // the main database stays closed until replaced
    restored = must(postgresql ? privacy::restore_postgresql_backup(options.file, config.store.url,
                                                                    *keys.services, newest)
                               : privacy::restore_backup(options.file, paths.main_db, *keys.services,
                                                         newest, clock),
                    "cannot restore " + options.file);
  }
  // The restored copy is older than the key store: apply what happened since.
  auto h = open_privacy(config, clock);
  privacy::Eraser eraser(h.context(clock));
  const auto erasures = must(eraser.reapply(), "cannot re-apply erasures to the restored database");
  const auto rewound = must(h.audit->rewind_anchors(), "cannot align the audit anchors");
  boost::json::array chains;
  for (const auto& r : rewound) {
    chains.push_back(boost::json::object{{"tenant", r.tenant},
                                         {"entries_before_restore", r.anchored_seq},
                                         {"entries_restored", r.restored_seq}});
  }
  audit::AuditDraft entry;
  entry.actor = operator_actor();
  entry.action = std::string(audit::action::kBackupRestored);
  entry.object = "backup";
  entry.details = boost::json::serialize(boost::json::object{
      {"backup_created_at_ms", restored.header.created_at_ms},
      {"erasures_reapplied", erasures},
      {"audit_chains_rewound", std::move(chains)}});
  must(h.audit->record(entry), "restored, but the audit entry failed");
  (void)h.alerts->raise(0, privacy::alert::kBackupRestored, "warning", entry.details, operator_actor());
  must(h.audit->checkpoint_all(), "restored, but the audit checkpoint failed");
  std::cout << fmt::format("restored {} (made {} ms since the epoch); {} erasure(s) re-applied\n",
                           options.file, restored.header.created_at_ms, erasures);
  if (!restored.previous.empty()) {
    std::cout << fmt::format("the replaced database is kept as {} (delete it when no longer needed)\n",
                             restored.previous.string());
  }
  return 0;
}

}  // namespace

void add_backup(CLI::App& app, Action& action) {
  auto* backup = app.add_subcommand("backup", "Encrypted backups of the database");
  backup->require_subcommand(1);
  auto create_options = std::make_shared<BackupOptions>();
  auto* c = backup->add_subcommand("create", "Write an encrypted online backup (while the server runs)");
  add_common_options(*c, *create_options);
  c->add_option("FILE", create_options->file, "Backup file to write")->required();
  c->callback([&action, create_options] { action = [create_options] { return create(*create_options); }; });
  auto restore_options = std::make_shared<BackupOptions>();
  auto* r = backup->add_subcommand("restore", "Replace the database with a backup (server stopped)");
  add_common_options(*r, *restore_options);
  r->add_option("FILE", restore_options->file, "Backup file to restore")->required()->check(CLI::ExistingFile);
  r->callback([&action, restore_options] { action = [restore_options] { return restore(*restore_options); }; });
}

}  // namespace diskret::app
