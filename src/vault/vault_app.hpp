#pragma once
/// VaultApp: the vault process wired together (data directory, keys, database, service,
/// HTTP server on its own port), plus the offline administration steps: master/data key
/// rotation and audit-chain verification. Used by apps/diskret-vault and by tests.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "crypto/secret.hpp"
#include "vault/acquirer.hpp"
#include "vault/config.hpp"

namespace diskret::vault {

/// Creates the directory (and parents) with mode 0700 when missing.
Expected<void> ensure_private_directory(const std::filesystem::path& dir);

/// The shared service secret: 32 random bytes, hex in a 0600 file, created when missing
/// (diskret's [billing] vault_secret_file must hold the same bytes).
Expected<crypto::SecretKey> load_service_secret(const std::filesystem::path& file);

class VaultApp {
 public:
  /// Locks the data directory (one vault process per directory), loads the master key
  /// and service secret (creating them on first start), opens and migrates the database
  /// and unwraps the data keys. Does not listen yet.
  static Expected<std::unique_ptr<VaultApp>> open(const VaultConfig& config, const Clock& clock,
                                                  std::unique_ptr<Acquirer> acquirer);
  ~VaultApp();
  VaultApp(const VaultApp&) = delete;
  VaultApp& operator=(const VaultApp&) = delete;

  /// Binds [server] http_listen and serves.
  Expected<void> start();
  /// The bound port; 0 before start().
  std::uint16_t port() const;
  /// Graceful stop; also done by the destructor.
  void stop();

 private:
  struct Parts;
  explicit VaultApp(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

struct RotationReport {
  std::string old_master_id;
  std::string new_master_id;
  std::size_t cards_resealed = 0;
};

/// Replaces the master key and the data key and re-seals every card. The vault must not be
/// running (the data directory lock is taken). Crash-safe at every step: the key file on
/// disk always opens the data keys in the database.
Expected<RotationReport> rotate_keys(const VaultConfig& config, const Clock& clock);

/// Recomputes the audit hash chain; returns the number of entries.
Expected<std::size_t> verify_audit(const VaultConfig& config, const Clock& clock);

}  // namespace diskret::vault
