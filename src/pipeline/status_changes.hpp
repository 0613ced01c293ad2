#pragma once
/// How submit outcomes and delivery receipts change a message's stored status. Pure
/// decisions over a WriteTransaction; the writer commits them in its group commit.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "carrier/carrier_pool.hpp"
#include "core/expected.hpp"
#include "pipeline/message.hpp"
#include "store/store.hpp"

namespace diskret::pipeline {

/// accepted -> submitted (with the carrier's ids), or accepted -> failed / expired.
struct StatusChange {
  std::uint64_t id = 0;
  MessageStatus status = MessageStatus::submitted;
  std::string carrier;
  std::vector<std::string> carrier_ids;  ///< canonical, one per part
  MessageError error;
};

StatusChange change_from_outcome(carrier::SubmitOutcome&& outcome);
StatusChange expired_before_submit(std::uint64_t id);
StatusChange undeliverable(std::uint64_t id, std::string code, std::string detail);

/// True when the message changed (false: it had moved on already).
Expected<bool> apply_change(store::WriteTransaction& tx, const StatusChange& change,
                            std::int64_t now_ms);

struct ReceiptEffect {
  bool matched = false;                   ///< a part of a known message
  std::optional<MessageStatus> finished;  ///< the message reached this final state now
  std::uint64_t message_id = 0;           ///< set with `finished`
  MessageError error;                     ///< with `finished` failed or expired
  std::string request_id;                 ///< of the message, with `finished`
};

/// Marks the part the receipt names (hex/decimal/case/zero tolerant, the receiving carrier
/// first, then any) and finishes the message: delivered once every part is, failed or
/// expired as soon as one part is. Repeated receipts change nothing.
Expected<ReceiptEffect> apply_receipt(store::WriteTransaction& tx, const carrier::Receipt& receipt,
                                      std::int64_t now_ms);

}  // namespace diskret::pipeline
