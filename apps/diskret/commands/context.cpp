#include "commands/context.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stop_token>
#include <thread>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "commands/privacy_context.hpp"
#include "core/log_line.hpp"
#include "crypto/master_key.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store_factory.hpp"

namespace diskret::app {

void add_common_options(CLI::App& command, CommonOptions& options) {
  command.add_option("--config", options.config_file, "TOML configuration file")
      ->type_name("FILE");
  command.add_option("--log-format", options.log_format,
                     "Log lines as human-readable text (default) or JSON lines")
      ->check(CLI::IsMember({"text", "json"}));
}

config::Config load_config(const CommonOptions& options) {
  std::optional<std::filesystem::path> file;
  if (!options.config_file.empty()) file = options.config_file;
  auto loaded = config::load(file, config::process_environment());
  if (!loaded) throw Failure(loaded.error().message());
  if (!options.log_format.empty()) loaded->log.format = options.log_format;
  return std::move(*loaded);
}

namespace {

// `[log] format = "json"`: one JSON object per line (core/log_line.hpp).
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto level = spdlog::level::to_string_view(msg.level);
    const std::string line = core::json_log_line(
        msg.time, std::string_view(level.data(), level.size()),
        std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// stderr, written a buffer at a time: a line per message and status change would otherwise
// cost a write(2) each on the writer thread. Warnings and worse go out at once (with
// everything before them), the rest within kFlushEvery or when 64 KiB have gathered.
constexpr std::chrono::milliseconds kFlushEvery{100};

class BufferedStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  BufferedStderrSink() : flusher_([this](std::stop_token stop) { flush_periodically(stop); }) {}
  ~BufferedStderrSink() override {
    flusher_.request_stop();
    flusher_.join();
    std::lock_guard lock(mutex_);
    write_out();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    formatter_->format(msg, buffer_);
    if (msg.level >= spdlog::level::warn || buffer_.size() >= 64 * 1024) write_out();
  }
  void flush_() override { write_out(); }

 private:
  void flush_periodically(const std::stop_token& stop) {
    std::mutex idle;
    std::unique_lock lock(idle);
    std::condition_variable_any tick;
    while (!stop.stop_requested()) {
      tick.wait_for(lock, stop, kFlushEvery, [] { return false; });  // wakes early on stop
      std::lock_guard sink(mutex_);
      write_out();
    }
  }
  void write_out() {
    const char* p = buffer_.data();
    std::size_t left = buffer_.size();
    while (left > 0) {
      const ssize_t n = ::write(STDERR_FILENO, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // nowhere to log to: drop it rather than block the caller
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }

  spdlog::memory_buf_t buffer_;
  std::jthread flusher_;  // last member: starts after buffer_ exists
};

}  // namespace

void setup_logging(const config::Config& config) {
  // Logs go to stderr so that stdout carries only command output (e.g. --json).
  auto logger = std::make_shared<spdlog::logger>("diskret", std::make_shared<BufferedStderrSink>());
  if (config.log.format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  }
  logger->set_level(spdlog::level::from_str(config.log.level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

StoreHandle open_store(const config::Config& config, const Clock& clock,
                       std::optional<std::chrono::milliseconds> busy_timeout) {
  const std::filesystem::path data_dir = config.server.data_dir;
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) throw Failure("cannot create data_dir " + data_dir.string() + ": " + ec.message());
  const auto backend = must(store::backend_of(config.store.url), "[store] url");
  std::unique_ptr<store::Store> opened;
  if (backend == store::Backend::postgresql) {
    // Several nodes may start at once: migrations run under an advisory lock.
    opened = must(store::open_store(config.store.url, data_dir, clock,
                                    std::chrono::seconds(config.store.node_lease_s)),
                  "cannot open the database");
  } else {
    auto options = must(store::sqlite::SqliteOptions::from_url(config.store.url, data_dir),
                        "[store] url");
    if (busy_timeout) options.busy_timeout = *busy_timeout;
    auto sqlite = must(store::sqlite::SqliteStore::open(options, clock), "cannot open the database");
    must(sqlite->migrate(), "cannot migrate the database");
    opened = std::move(sqlite);
  }

  finish_key_rotation(config);  // privacy: a rotation that stopped half-way
  crypto::MasterKeyFile master(config.keys.master_key_file);
  auto key = must(master.load(), "master key " + config.keys.master_key_file);
  StoreHandle handle;
  handle.store = std::move(opened);
  handle.keys = std::make_unique<store::KeyRing>(*handle.store, std::move(key), master.key_id());
  attach_privacy_keys(*handle.keys, config, clock);  // privacy: rotation-proof keys, stored pepper
  return handle;
}

store::SqlHost& sql_host(const StoreHandle& handle) {
  auto* host = dynamic_cast<store::SqlHost*>(handle.store.get());
  if (host == nullptr) throw Failure("this store cannot hold contacts, billing and the like");
  return *host;
}

std::unique_ptr<store::SqlDb> main_connection(const StoreHandle& handle, const std::string& what) {
  return must(sql_host(handle).sql_connect(), "cannot open " + what);
}

bool on_postgresql(const config::Config& config) {
  auto backend = store::backend_of(config.store.url);
  return backend && *backend == store::Backend::postgresql;
}

}  // namespace diskret::app
