#include "commands/context.hpp"

#include <filesystem>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "commands/privacy_context.hpp"
#include "crypto/master_key.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::app {

void add_common_options(CLI::App& command, CommonOptions& options) {
  command.add_option("--config", options.config_file, "TOML configuration file")
      ->type_name("FILE");
}

config::Config load_config(const CommonOptions& options) {
  std::optional<std::filesystem::path> file;
  if (!options.config_file.empty()) file = options.config_file;
  auto loaded = config::load(file, config::process_environment());
  if (!loaded) throw Failure(loaded.error().message());
  return std::move(*loaded);
}

void setup_logging(const config::Config& config) {
  // Logs go to stderr so that stdout carries only command output (e.g. --json).
  auto logger = spdlog::stderr_logger_mt("diskret");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  logger->set_level(spdlog::level::from_str(config.log.level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

StoreHandle open_store(const config::Config& config, const Clock& clock,
                       std::optional<std::chrono::milliseconds> busy_timeout) {
  const std::filesystem::path data_dir = config.server.data_dir;
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) throw Failure("cannot create data_dir " + data_dir.string() + ": " + ec.message());
  if (!config.store.url.starts_with("sqlite:")) {
    throw Failure("store url " + config.store.url.substr(0, config.store.url.find(':')) +
                  ": only sqlite: is supported by this build");
  }
  auto options = must(store::sqlite::SqliteOptions::from_url(config.store.url, data_dir),
                      "[store] url");
  if (busy_timeout) options.busy_timeout = *busy_timeout;
  auto sqlite = must(store::sqlite::SqliteStore::open(options, clock), "cannot open the database");
  must(sqlite->migrate(), "cannot migrate the database");

  finish_key_rotation(config);  // privacy: a rotation that stopped half-way
  crypto::MasterKeyFile master(config.keys.master_key_file);
  auto key = must(master.load(), "master key " + config.keys.master_key_file);
  StoreHandle handle;
  handle.store = std::move(sqlite);
  handle.keys = std::make_unique<store::KeyRing>(*handle.store, std::move(key), master.key_id());
  attach_privacy_keys(*handle.keys, config, clock);  // privacy: rotation-proof keys, stored pepper
  return handle;
}

}  // namespace diskret::app
