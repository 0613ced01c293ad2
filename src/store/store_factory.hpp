#pragma once
/// open_store(): the Store that `[store] url` names, migrated. "sqlite:<path>" opens the
/// embedded SqliteStore (its key store keys.db in the data directory); "postgresql://..."
/// (or "postgres://...") a PgStore, one node of a multi-node installation, with its key
/// database <db>_keys on the same server.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string_view>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "store/store.hpp"

namespace diskret::store {

enum class Backend { sqlite, postgresql };

/// The backend a store URL names; Errc::invalid_argument for any other scheme.
Expected<Backend> backend_of(std::string_view url);

/// Opens and migrates the store `url` names. `clock` must outlive the store. `node_lease`:
/// PostgreSQL only, how long this node's claims outlive its last heartbeat.
Expected<std::unique_ptr<Store>> open_store(std::string_view url,
                                            const std::filesystem::path& data_dir,
                                            const Clock& clock,
                                            std::chrono::milliseconds node_lease =
                                                std::chrono::seconds(30));

}  // namespace diskret::store
