#include "store/store_factory.hpp"

#include "store/postgresql/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::store {

Expected<Backend> backend_of(std::string_view url) {
  if (url.starts_with("sqlite:")) return Backend::sqlite;
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return Backend::postgresql;
  return fail(Errc::invalid_argument, "store url must be sqlite:<path> or postgresql://user@host:port/db");
}

Expected<std::unique_ptr<Store>> open_store(std::string_view url,
                                            const std::filesystem::path& data_dir,
                                            const Clock& clock,
                                            std::chrono::milliseconds node_lease) {
  auto backend = backend_of(url);
  if (!backend) return unexpected(backend.error());
  std::unique_ptr<Store> store;
  if (*backend == Backend::sqlite) {
    auto options = sqlite::SqliteOptions::from_url(url, data_dir);
    if (!options) return unexpected(options.error());
    auto opened = sqlite::SqliteStore::open(*options, clock);
    if (!opened) return unexpected(opened.error());
    store = std::move(*opened);
  } else {
    auto options = postgresql::PgOptions::from_url(url);
    if (!options) return unexpected(options.error());
    options->lease = node_lease;
    auto opened = postgresql::PgStore::open(*options, clock);
    if (!opened) return unexpected(opened.error());
    store = std::move(*opened);
  }
  if (auto ok = store->migrate(); !ok) return unexpected(ok.error());
  return store;
}

}  // namespace diskret::store
