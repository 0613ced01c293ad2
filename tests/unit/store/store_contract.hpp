#pragma once
// The store contract: tests every Store implementation must pass (store_contract_test.cpp),
// run once per backend. A backend binary instantiates them with INSTANTIATE_TEST_SUITE_P(
// <Backend>, StoreContract, ::testing::Values(StoreBackendParam{...}), backend_name).
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/clock.hpp"
#include "crypto/secret.hpp"
#include "store/key_ring.hpp"
#include "store/store.hpp"

namespace diskret::store::testing {

/// The data of one test on one backend.
class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  /// A migrated Store on this backend's data: the same data at every call (a reopen).
  virtual std::unique_ptr<Store> open(const Clock& clock) = 0;
};

struct StoreBackendParam {
  std::string name;
  std::function<std::unique_ptr<StoreBackend>()> make;
};

inline std::string backend_name(const ::testing::TestParamInfo<StoreBackendParam>& info) {
  return info.param.name;
}

class StoreContract : public ::testing::TestWithParam<StoreBackendParam> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    if (!backend_) GTEST_SKIP() << "backend " << GetParam().name << " is not available";
    reopen();
  }

  /// A new Store and KeyRing on the same data (as after a restart).
  void reopen() {
    keys.reset();
    store.reset();
    store = backend_->open(clock);
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
  std::unique_ptr<Store> store;
  std::unique_ptr<KeyRing> keys;

 private:
  std::unique_ptr<StoreBackend> backend_;
};

inline MessageRecord sample_message(std::uint64_t id, std::uint64_t tenant) {
  MessageRecord m;
  m.id = id;
  m.tenant_id = tenant;
  m.segments = 1;
  m.encoding = "gsm7";
  m.sender = "Diskret";
  m.payload = "opaque";
  return m;
}

}  // namespace diskret::store::testing
