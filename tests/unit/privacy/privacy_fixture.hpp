#pragma once
// A SqliteStore with a master key file, the key vault and service keys in a temporary
// directory: what `diskret` opens, without the server around it.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "crypto/master_key.hpp"
#include "store/key_ring.hpp"
#include "store/master_key_holder.hpp"
#include "store/service_keys.hpp"
#include "store/sqlite/sqlite_key_vault.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "unit/store/store_fixture.hpp"

namespace diskret::privacy::testing {

using store::testing::TempDir;

template <class T>
T must(Expected<T>&& v) {
  if (!v) throw std::runtime_error(v.error().message());
  if constexpr (!std::is_void_v<T>) return std::move(*v);
}

/// One process's view: store, key ring, vault and service keys over the files in `dir`.
class Process {
 public:
  Process(const TempDir& dir, const Clock& clock) : dir_(dir), clock_(clock) { open(); }

  void open() {
    services.reset();
    vault.reset();
    keys.reset();
    store.reset();
    store::sqlite::SqliteOptions o;
    o.main_path = dir_.path() / "diskret.db";
    o.keys_path = dir_.path() / "keys.db";
    o.fsync = false;
    store = must(store::sqlite::SqliteStore::open(o, clock_));
    must(store->migrate());
    crypto::MasterKeyFile file(key_file());
    auto key = must(file.load());
    holder = std::make_shared<store::MasterKeyHolder>(store::MasterKey{key, file.key_id()},
                                                      store::reload_from_files(key_file().string()));
    keys = std::make_unique<store::KeyRing>(*store, key, file.key_id());
    keys->use_master_keys(holder);
    vault = must(store::sqlite::SqliteKeyVault::open(o.keys_path, false));
    services = std::make_unique<store::ServiceKeys>(*vault, *holder, clock_);
    keys->set_api_key_pepper(must(services->api_key_pepper()));
  }

  std::filesystem::path key_file() const { return dir_.path() / "master.key"; }

  std::uint64_t create_tenant(const std::string& public_id) {
    auto tx = must(store->begin());
    store::TenantRecord t;
    t.public_id = public_id;
    t.name = public_id;
    t.created_at_ms = clock_.now_ms();
    auto id = must(tx->insert_tenant(t));
    must(tx->insert_tenant_key(keys->new_tenant_key(id, clock_.now_ms())));
    must(tx->commit());
    return id;
  }

  std::unique_ptr<store::sqlite::SqliteStore> store;
  std::shared_ptr<store::MasterKeyHolder> holder;
  std::unique_ptr<store::KeyRing> keys;
  std::unique_ptr<store::sqlite::SqliteKeyVault> vault;
  std::unique_ptr<store::ServiceKeys> services;

 private:
  const TempDir& dir_;
  const Clock& clock_;
};

}  // namespace diskret::privacy::testing
