#pragma once
/// WriteScope: one Store transaction for the contacts services, with the KeyRing rule that
/// subject keys created inside are published (after a commit) or discarded (otherwise)
/// while the write lock is still held.
#include <memory>

#include "core/expected.hpp"
#include "store/contact_store.hpp"
#include "store/key_ring.hpp"
#include "store/store.hpp"

namespace diskret::contacts {

class WriteScope {
 public:
  static Expected<WriteScope> begin(store::Store& store, store::ContactStore& contacts,
                                    store::KeyRing& keys);
  WriteScope(WriteScope&&) noexcept = default;
  WriteScope& operator=(WriteScope&&) = delete;
  ~WriteScope();

  store::WriteTransaction& tx() { return *tx_; }
  store::ContactWrites& writes() { return *writes_; }
  Expected<void> commit();

 private:
  WriteScope(store::KeyRing& keys, std::unique_ptr<store::WriteTransaction> tx,
             std::unique_ptr<store::ContactWrites> writes)
      : keys_(&keys), tx_(std::move(tx)), writes_(std::move(writes)) {}

  store::KeyRing* keys_;
  std::unique_ptr<store::WriteTransaction> tx_;
  std::unique_ptr<store::ContactWrites> writes_;
  bool committed_ = false;
};

}  // namespace diskret::contacts
