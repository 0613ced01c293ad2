#pragma once
/// diskret-vault's configuration: one TOML file plus DISKRET_VAULT_<SECTION>_<KEY>
/// environment overrides, in the same shape as diskret's own config. Every key has a
/// default; unknown sections, keys and variables are errors naming them.
///
///   [server] data_dir = "var-vault", http_listen = "127.0.0.1:8443"
///   [keys]   master_key_file = "<data_dir>/master.key"
///   [vault]  portal_origin = "http://127.0.0.1:8080"
///            service_secret_file = "<data_dir>/vault.secret"
///            card_rate_per_minute = 10, card_rate_burst = 10
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/expected.hpp"

namespace diskret::vault {

struct VaultConfig {
  std::string data_dir = "var-vault";
  std::string http_listen = "127.0.0.1:8443";
  std::string master_key_file;      ///< default "<data_dir>/master.key"
  std::string portal_origin = "http://127.0.0.1:8080";
  std::string service_secret_file;  ///< default "<data_dir>/vault.secret"
  std::int64_t card_rate_per_minute = 10;  ///< POST /v1/cards per client IP
  std::int64_t card_rate_burst = 10;

  /// "<data_dir>/vault.db".
  std::filesystem::path database_file() const;
};

using VaultEnvironment = std::vector<std::pair<std::string, std::string>>;
/// The process's DISKRET_VAULT_* variables.
VaultEnvironment vault_environment();

/// Parses TOML text (`source` names it in errors) and applies `env`. Errors are one line:
/// "vault.toml: [vault].portal_origin: must be an origin such as https://portal.example".
Expected<VaultConfig> parse_vault_config(std::string_view toml_text, std::string_view source,
                                         const VaultEnvironment& env);
/// Reads `file` (none: defaults) and applies `env`.
Expected<VaultConfig> load_vault_config(const std::optional<std::filesystem::path>& file,
                                        const VaultEnvironment& env);

/// Whether `origin` is "http(s)://host[:port]" with nothing after it.
bool valid_origin(std::string_view origin) noexcept;

}  // namespace diskret::vault
