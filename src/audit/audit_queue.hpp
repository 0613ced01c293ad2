#pragma once
/// AuditQueue: entries recorded off the request path. Reads of personal data by API keys
/// happen on every GET; writing one transaction per read would cost the API its latency,
/// so the entries are queued and written in one transaction per flush (about every
/// second, by the PrivacyService). Bounded: beyond `capacity` the oldest wait and new ones
/// are counted as dropped (and shown in /metrics), never silently lost.
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>

#include "audit/audit_log.hpp"

namespace diskret::audit {

class AuditQueue {
 public:
  explicit AuditQueue(std::size_t capacity = 100'000) : capacity_(capacity) {}

  /// Thread-safe; at_ms should be set by the caller (the time of the read).
  void push(AuditDraft draft);
  /// Writes everything queued in one transaction; on failure the entries stay queued.
  Expected<std::size_t> flush(AuditLog& log, store::Store& store);
  std::uint64_t dropped() const { return dropped_.load(); }
  std::size_t size() const;

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<AuditDraft> queue_;
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace diskret::audit
