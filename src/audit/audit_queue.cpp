#include "audit/audit_queue.hpp"

#include "audit/errc.hpp"

namespace diskret::audit {

void AuditQueue::push(AuditDraft draft) {
  std::lock_guard lock(mutex_);
  if (queue_.size() >= capacity_) {
    dropped_.fetch_add(1);
    return;
  }
  queue_.push_back(std::move(draft));
}

std::size_t AuditQueue::size() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

Expected<std::size_t> AuditQueue::flush(AuditLog& log, store::Store& store) {
  std::deque<AuditDraft> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(queue_);
  }
  if (batch.empty()) return 0;
  auto put_back = [&] {
    std::lock_guard lock(mutex_);
    for (auto it = batch.rbegin(); it != batch.rend(); ++it) queue_.push_front(std::move(*it));
  };
  auto tx = store.begin();
  if (!tx) {
    put_back();
    return unexpected(tx.error());
  }
  for (const auto& d : batch) {
    // One malformed draft must not block the others: it is counted and skipped.
    if (auto ok = log.record(**tx, d); !ok) {
      if (ok.error().code == audit::Errc::invalid_entry) {
        dropped_.fetch_add(1);
        continue;
      }
      tx->reset();
      put_back();
      return unexpected(ok.error());
    }
  }
  if (auto ok = (*tx)->commit(); !ok) {
    put_back();
    return unexpected(ok.error());
  }
  return batch.size();
}

}  // namespace diskret::audit
