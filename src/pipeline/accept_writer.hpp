#pragma once
/// Internal to the pipeline: writes one accepted request inside the group commit.
#include <cstdint>
#include <vector>

#include "core/expected.hpp"
#include "pipeline/accept_charger.hpp"
#include "pipeline/pipeline.hpp"
#include "store/key_ring.hpp"
#include "store/store.hpp"

namespace diskret::pipeline {

using RequestResult = Expected<AcceptResult>;

/// Writes `request` in `tx` within a savepoint of its own: seals every recipient under its
/// person's key, stores the idempotency entry, or finds an earlier one (replay / conflict).
/// The inner result answers this request only (its writes are rolled back when it is an
/// error); the outer error means the database cannot write and the whole commit fails.
/// With a `charger`, new messages are paid for first; those it cannot pay become rejected
/// in `request` (and the response is rendered again).
Expected<RequestResult> write_accept(store::WriteTransaction& tx, store::KeyRing& keys,
                                     AcceptCharger* charger, AcceptRequest& request,
                                     const std::vector<MessageId>& ids, std::int64_t now_ms);

/// A refusal that affects only this request (not a database that cannot write).
inline bool is_request_error(const Error& e) {
  return e.code != make_error_code(Errc::unavailable);
}

}  // namespace diskret::pipeline
