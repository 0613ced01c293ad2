#include <iostream>

#include "commands/commands.hpp"
#include "commands/context.hpp"

namespace diskret::app {

void add_migrate(CLI::App& app, Action& action) {
  auto options = std::make_shared<CommonOptions>();
  auto* cmd = app.add_subcommand("migrate", "Create or upgrade the database schema");
  add_common_options(*cmd, *options);
  cmd->callback([&action, options] {
    action = [options] {
      auto config = load_config(*options);
      setup_logging(config);
      open_store(config, SystemClock::instance(), kAdminBusyTimeout);  // opening migrates
      std::cout << "diskret: database is up to date\n";
      return 0;
    };
  });
}

}  // namespace diskret::app
