#pragma once
// Shared by the subcommands: config loading, logging, opening the store and keys.
// Startup code: failures throw Failure, which main() prints as one line (exit 1).
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "store/key_ring.hpp"
#include "store/sql_db.hpp"
#include "store/store.hpp"

namespace diskret::app {

/// Any failure that is not a usage error; main() prints "diskret: <what>" and exits 1.
struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Options every subcommand has.
struct CommonOptions {
  std::string config_file;  ///< empty: built-in defaults (and DISKRET_* variables)
  std::string log_format;   ///< --log-format: overrides [log] format when set
};
void add_common_options(CLI::App& command, CommonOptions& options);

/// Reads the config file (if any) and the environment; throws Failure on errors.
config::Config load_config(const CommonOptions& options);

/// spdlog to stderr at the configured level, one line per event.
void setup_logging(const config::Config& config);

/// How long an admin command's statements wait for the write lock of a running `diskret
/// serve` (whose own writer keeps the store's shorter default): under load the server
/// holds it most of the time, and an admin command should wait rather than fail.
inline constexpr std::chrono::milliseconds kAdminBusyTimeout{60'000};

/// The store of `config` opened and migrated (a current schema is only read), with the
/// key ring on the master key (created with mode 0600 on first use).
struct StoreHandle {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::KeyRing> keys;
};
StoreHandle open_store(const config::Config& config, const Clock& clock,
                       std::optional<std::chrono::milliseconds> busy_timeout = std::nullopt);

/// The store as the host of the stores beside it (contacts, billing, webhooks, ...): both
/// backends are one.
store::SqlHost& sql_host(const StoreHandle& handle);
/// A connection of its own to the main database (SQLite beside the store's writer, or a
/// PostgreSQL connection), for a store that runs its own statements.
std::unique_ptr<store::SqlDb> main_connection(const StoreHandle& handle, const std::string& what);
/// Whether `[store] url` names PostgreSQL (multi-node mode).
bool on_postgresql(const config::Config& config);

/// Unwraps an Expected, turning the error into a Failure with `what` as context.
template <class T>
T must(Expected<T>&& value, const std::string& what) {
  if (!value) throw Failure(what + ": " + value.error().message());
  if constexpr (!std::is_void_v<T>) return std::move(*value);
}

}  // namespace diskret::app
