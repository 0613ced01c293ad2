#pragma once
// A fresh SqliteStore + KeyRing in a temporary directory, removed afterwards.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "crypto/secret.hpp"
#include "store/key_ring.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::store::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "diskret-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class StoreFixture {
 public:
  explicit StoreFixture(const TempDir& dir, std::optional<std::uint32_t> max_pages = std::nullopt)
      : dir_(dir) {
    open(max_pages);
  }

  void open(std::optional<std::uint32_t> max_pages = std::nullopt) {
    keys.reset();
    store.reset();
    sqlite::SqliteOptions o;
    o.main_path = dir_.path() / "diskret.db";
    o.keys_path = dir_.path() / "keys.db";
    o.max_page_count = max_pages;
    o.fsync = false;  // nothing here tests power loss; fsync would make the suite slow
    auto s = sqlite::SqliteStore::open(o, clock);
    if (!s) throw std::runtime_error(s.error().message());
    store = std::move(*s);
    if (auto ok = store->migrate(); !ok) throw std::runtime_error(ok.error().message());
    keys = std::make_unique<KeyRing>(*store, master, "testkey0testkey0");
  }

  /// A tenant with its data key; returns its id.
  std::uint64_t create_tenant(const std::string& public_id) {
    auto tx = store->begin();
    if (!tx) throw std::runtime_error(tx.error().message());
    TenantRecord t;
    t.public_id = public_id;
    t.name = public_id;
    t.created_at_ms = clock.now_ms();
    auto id = (*tx)->insert_tenant(t);
    if (!id) throw std::runtime_error(id.error().message());
    if (auto ok = (*tx)->insert_tenant_key(keys->new_tenant_key(*id, clock.now_ms())); !ok) {
      throw std::runtime_error(ok.error().message());
    }
    if (auto ok = (*tx)->commit(); !ok) throw std::runtime_error(ok.error().message());
    return *id;
  }

  FakeClock clock;
  crypto::SecretKey master = crypto::SecretKey::generate();
  std::unique_ptr<sqlite::SqliteStore> store;
  std::unique_ptr<KeyRing> keys;

 private:
  const TempDir& dir_;
};

}  // namespace diskret::store::testing
