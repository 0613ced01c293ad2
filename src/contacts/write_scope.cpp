#include "contacts/write_scope.hpp"

namespace diskret::contacts {

Expected<WriteScope> WriteScope::begin(store::Store& store, store::ContactStore& contacts,
                                       store::KeyRing& keys) {
  auto tx = store.begin();
  if (!tx) return unexpected(tx.error());
  auto writes = contacts.writes(**tx);
  return WriteScope(keys, std::move(*tx), std::move(writes));
}

WriteScope::~WriteScope() {
  if (!tx_) return;  // moved from
  if (!committed_) keys_->discard_new_subjects();
  writes_.reset();
  tx_.reset();  // rolls back unless committed; frees the write lock
}

Expected<void> WriteScope::commit() {
  auto ok = tx_->commit();
  if (!ok) return ok;
  committed_ = true;
  keys_->publish_new_subjects();
  return {};
}

}  // namespace diskret::contacts
