// diskret-vault: the card vault, a separate process with its own data directory, keys,
// port, database and audit log. `serve` runs it; `keys rotate` and `audit verify`
// administer it offline. Exit codes: 0 success, 2 usage error, 1 failure (one stderr line).
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "vault/config.hpp"
#include "vault/test_acquirer.hpp"
#include "vault/vault_app.hpp"

namespace {

using diskret::Error;
using namespace diskret::vault;

int failure(const std::string& message) {
  std::fprintf(stderr, "diskret-vault: %s\n", message.c_str());
  return 1;
}

// Card numbers and CVCs pass through this process's memory: never let a crash write that
// memory to a core file, and keep other processes of the same user from reading it.
void forbid_memory_dumps() {
  rlimit none{0, 0};
  ::setrlimit(RLIMIT_CORE, &none);
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

std::optional<VaultConfig> load(const std::string& file, int& exit_code) {
  std::optional<std::filesystem::path> path;
  if (!file.empty()) path = file;
  auto config = load_vault_config(path, vault_environment());
  if (!config) {
    exit_code = failure(config.error().message());
    return std::nullopt;
  }
  return *config;
}

int serve(const VaultConfig& config) {
  // Block the stop signals before any thread starts, so every thread inherits the mask and
  // sigwait below is the one place they arrive.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto app = VaultApp::open(config, diskret::SystemClock::instance(), std::make_unique<TestAcquirer>());
  if (!app) return failure(app.error().message());
  if (auto ok = (*app)->start(); !ok) return failure(ok.error().message());
  std::printf("diskret-vault: serving on port %u (%s), data in %s, test-mode acquirer\n",
              (*app)->port(), config.http_listen.c_str(), config.data_dir.c_str());
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  (*app)->stop();
  return 0;
}

int rotate(const VaultConfig& config) {
  auto report = rotate_keys(config, diskret::SystemClock::instance());
  if (!report) return failure(report.error().message());
  std::printf("diskret-vault: master key %s replaced by %s; %zu card(s) re-sealed under a new data key\n",
              report->old_master_id.c_str(), report->new_master_id.c_str(), report->cards_resealed);
  return 0;
}

int audit(const VaultConfig& config) {
  auto count = verify_audit(config, diskret::SystemClock::instance());
  if (!count) return failure(count.error().message());
  std::printf("diskret-vault: audit log verified, %zu entries\n", *count);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  forbid_memory_dumps();
  CLI::App app{"diskret-vault: the card vault of diskret (hosted card form, tokens, charges)"};
  app.require_subcommand(1);
  std::string config_file;
  auto add_config = [&](CLI::App* cmd) {
    cmd->add_option("--config", config_file, "TOML config file (default: built-in defaults)");
  };
  auto* serve_cmd = app.add_subcommand("serve", "run the vault (card form, card API, service API)");
  add_config(serve_cmd);
  auto* keys_cmd = app.add_subcommand("keys", "key administration");
  keys_cmd->require_subcommand(1);
  auto* rotate_cmd = keys_cmd->add_subcommand(
      "rotate", "new master key and data key, every card re-sealed (stop the vault first)");
  add_config(rotate_cmd);
  auto* audit_cmd = app.add_subcommand("audit", "audit log administration");
  audit_cmd->require_subcommand(1);
  auto* verify_cmd = audit_cmd->add_subcommand("verify", "recompute the audit hash chain");
  add_config(verify_cmd);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    int exit_code = 0;
    auto config = load(config_file, exit_code);
    if (!config) return exit_code;
    if (serve_cmd->parsed()) return serve(*config);
    if (rotate_cmd->parsed()) return rotate(*config);
    if (verify_cmd->parsed()) return audit(*config);
    return 2;
  } catch (const std::exception& e) {
    return failure(e.what());
  }
}
