#include "vault/vault_app.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "crypto/master_key.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "vault/audit_log.hpp"
#include "vault/data_keys.hpp"
#include "vault/errc.hpp"
#include "vault/schema.hpp"
#include "vault/service_auth.hpp"
#include "vault/sqlite.hpp"
#include "vault/vault_api.hpp"
#include "vault/vault_service.hpp"
#include "vault/worker.hpp"

namespace diskret::vault {
namespace {

namespace fs = std::filesystem;

// An exclusive flock on <data_dir>/vault.lock for as long as a process uses the data:
// serving and key rotation must never overlap (a server would keep sealing with a data key
// the rotation has just removed).
class DirectoryLock {
 public:
  static Expected<DirectoryLock> take(const fs::path& dir) {
    const fs::path path = dir / "vault.lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return fail(Errc::storage, fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return fail(Errc::storage, fmt::format("{} is in use by another diskret-vault process",
                                             dir.string()));
    }
    return DirectoryLock(fd);
  }
  DirectoryLock(DirectoryLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  DirectoryLock& operator=(DirectoryLock&&) = delete;
  ~DirectoryLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  int fd_;
};

struct OpenedData {
  DirectoryLock lock;
  Database db;
};

Expected<OpenedData> open_data(const VaultConfig& config) {
  if (auto ok = ensure_private_directory(config.data_dir); !ok) return unexpected(ok.error());
  auto lock = DirectoryLock::take(config.data_dir);
  if (!lock) return unexpected(lock.error());
  auto db = Database::open(config.database_file());
  if (!db) return unexpected(db.error());
  if (auto ok = migrate(*db); !ok) return unexpected(ok.error());
  return OpenedData{std::move(*lock), std::move(*db)};
}

}  // namespace

Expected<void> ensure_private_directory(const fs::path& dir) {
  fs::path partial;
  for (const auto& part : dir) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return fail(Errc::storage, fmt::format("cannot create directory {}: {}", partial.string(),
                                             std::strerror(errno)));
    }
  }
  return {};
}

Expected<crypto::SecretKey> load_service_secret(const fs::path& file) {
  crypto::MasterKeyFile secret_file(file);
  return secret_file.load();
}

// Members in construction order; destroyed in reverse, so the server stops first and the
// worker finishes its jobs before the service and database go away.
struct VaultApp::Parts {
  VaultConfig config;
  const Clock& clock;
  DirectoryLock lock;
  Database db;
  DataKeys keys;
  std::unique_ptr<Acquirer> acquirer;
  VaultService service;
  ServiceAuth auth;
  VaultApi api;
  http::Router router;
  Worker worker;
  std::unique_ptr<http::Server> server;

  Parts(VaultConfig c, const Clock& clk, DirectoryLock&& l, Database&& d,
        std::unique_ptr<Acquirer> acq, const crypto::SecretKey& secret)
      : config(std::move(c)), clock(clk), lock(std::move(l)), db(std::move(d)), keys(db, clk),
        acquirer(std::move(acq)), service(db, keys, *acquirer, clk), auth(secret, clk),
        api(service, auth, clk,
            VaultApiOptions{config.portal_origin, static_cast<double>(config.card_rate_per_minute),
                            static_cast<double>(config.card_rate_burst)}) {}
};

VaultApp::VaultApp(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
VaultApp::~VaultApp() { stop(); }

Expected<std::unique_ptr<VaultApp>> VaultApp::open(const VaultConfig& config, const Clock& clock,
                                                   std::unique_ptr<Acquirer> acquirer) {
  auto data = open_data(config);
  if (!data) return unexpected(data.error());
  auto master = crypto::MasterKeyFile(config.master_key_file).load();
  if (!master) return unexpected(master.error());
  auto secret = load_service_secret(config.service_secret_file);
  if (!secret) return unexpected(secret.error());
  auto parts = std::make_unique<Parts>(config, clock, std::move(data->lock), std::move(data->db),
                                       std::move(acquirer), *secret);
  if (auto ok = parts->keys.load(*master); !ok) return unexpected(ok.error());
  parts->api.add_routes(parts->router, &parts->worker);
  return std::unique_ptr<VaultApp>(new VaultApp(std::move(parts)));
}

Expected<void> VaultApp::start() {
  http::ServerConfig sc;
  sc.listen = parts_->config.http_listen;
  sc.max_body_bytes = 64 * 1024;  // cards and charges are small; refuse bulk uploads early
  parts_->server = std::make_unique<http::Server>(sc, parts_->router.handler());
  return parts_->server->start();
}

std::uint16_t VaultApp::port() const { return parts_->server ? parts_->server->port() : 0; }

void VaultApp::stop() {
  if (parts_ && parts_->server) parts_->server->stop();
}

Expected<RotationReport> rotate_keys(const VaultConfig& config, const Clock& clock) {
  auto data = open_data(config);
  if (!data) return unexpected(data.error());
  crypto::MasterKeyFile key_file(config.master_key_file);
  auto current = key_file.load();
  if (!current) return unexpected(current.error());
  DataKeys keys(data->db, clock);
  if (auto ok = keys.load(*current); !ok) return unexpected(ok.error());

  RotationReport report;
  report.old_master_id = master_key_id(*current);
  const auto next = crypto::SecretKey::generate();
  report.new_master_id = master_key_id(next);

  // Step 1, one transaction: a new data key wrapped under both master keys, every card
  // re-sealed with it, the old data keys gone. A crash here changes nothing.
  {
    auto tx = Transaction::begin(data->db);
    if (!tx) return unexpected(tx.error());
    if (auto id = keys.add_active(*current, next); !id) return unexpected(id.error());
    CardStore cards(data->db, keys, clock);
    auto resealed = cards.reseal_all();
    if (!resealed) return unexpected(resealed.error());
    report.cards_resealed = *resealed;
    if (auto ok = keys.drop_inactive(); !ok) return unexpected(ok.error());
    AuditLog audit(data->db, clock);
    if (auto ok = audit.append("keys.rotated", "cli", report.new_master_id,
                               fmt::format("from={} cards={}", report.old_master_id, *resealed));
        !ok) {
      return unexpected(ok.error());
    }
    if (auto ok = tx->commit(); !ok) return unexpected(ok.error());
  }
  // Step 2: the key file switches atomically; either key opens the new data key now.
  if (auto ok = key_file.replace(next); !ok) return unexpected(ok.error());
  // Step 3: forget the wrapping under the old master key (also done on the next start).
  if (auto ok = keys.drop_wraps_except(next); !ok) return unexpected(ok.error());
  return report;
}

Expected<std::size_t> verify_audit(const VaultConfig& config, const Clock& clock) {
  auto data = open_data(config);
  if (!data) return unexpected(data.error());
  return AuditLog(data->db, clock).verify();
}

}  // namespace diskret::vault
