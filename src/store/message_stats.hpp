#pragma once
/// MessageStats: a tenant's message counts per time bucket, computed in the database (the
/// dashboard's chart and delivery rate), never by reading messages one by one.
#include <cstdint>
#include <vector>

#include "core/expected.hpp"

namespace diskret::store {

struct MessageBucket {
  std::int64_t start_ms = 0;  ///< the bucket's first millisecond
  std::uint64_t sent = 0;       ///< accepted for sending (everything but rejected)
  std::uint64_t delivered = 0;
  std::uint64_t failed = 0;     ///< failed or expired
  std::uint64_t rejected = 0;
};

class MessageStats {
 public:
  virtual ~MessageStats() = default;
  /// Messages of `tenant` created in [from_ms, until_ms), counted per `bucket_ms` from
  /// `from_ms` on; buckets without messages are left out. Creation times come from the
  /// time-ordered message ids.
  virtual Expected<std::vector<MessageBucket>> buckets(std::uint64_t tenant, std::int64_t from_ms,
                                                       std::int64_t until_ms,
                                                       std::int64_t bucket_ms) = 0;
};

}  // namespace diskret::store
