#pragma once
// The subcommands of `diskret`. Each add_* registers its CLI11 subcommand and, when that
// subcommand is chosen, sets `action` to the work to run after parsing.
#include <functional>

#include <CLI/CLI.hpp>

namespace diskret::app {

using Action = std::function<int()>;

void add_serve(CLI::App& app, Action& action);
void add_migrate(CLI::App& app, Action& action);
void add_tenant(CLI::App& app, Action& action);
void add_apikey(CLI::App& app, Action& action);
void add_keys(CLI::App& app, Action& action);
void add_backup(CLI::App& app, Action& action);
void add_audit(CLI::App& app, Action& action);
void add_privacy(CLI::App& app, Action& action);
void add_number(CLI::App& app, Action& action);
void add_user(CLI::App& app, Action& action);
void add_credits(CLI::App& app, Action& action);
void add_doctor(CLI::App& app, Action& action);

}  // namespace diskret::app
