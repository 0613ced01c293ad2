// diskret: `serve` runs the platform; the other subcommands administer it.
// Exit codes (SPEC §1): 0 success, 2 usage error, 1 any other failure with one line on
// stderr.
#include <cstdio>
#include <exception>
#include <iostream>

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "commands/commands.hpp"
#include "commands/context.hpp"

int main(int argc, char** argv) {
  using namespace diskret::app;
  // Databases, keys and secrets are for this user only.
  ::umask(0077);
  CLI::App app{"diskret: privacy-first business SMS platform", "diskret"};
  app.require_subcommand(1);
  Action action;
  add_serve(app, action);
  add_migrate(app, action);
  add_tenant(app, action);
  add_apikey(app, action);
  add_keys(app, action);
  add_backup(app, action);
  add_audit(app, action);
  add_privacy(app, action);
  add_number(app, action);
  add_user(app, action);
  add_credits(app, action);
  add_doctor(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::cerr << "diskret: " << e.what() << " (see diskret --help)\n";
    return 2;
  }
  // Log lines are buffered (commands/context.cpp): out before the last word on stderr.
  const auto flush_logs = [] { spdlog::default_logger_raw()->flush(); };
  try {
    const int code = action ? action() : 2;
    flush_logs();
    return code;
  } catch (const Failure& e) {
    flush_logs();
    std::cerr << "diskret: " << e.what() << "\n";
  } catch (const std::exception& e) {
    flush_logs();
    std::cerr << "diskret: unexpected error: " << e.what() << "\n";
  }
  return 1;
}
