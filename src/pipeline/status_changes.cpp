#include "pipeline/status_changes.hpp"

#include <fmt/format.h>

#include "smpp/delivery_receipt.hpp"

namespace diskret::pipeline {
namespace {

static_assert(static_cast<std::uint8_t>(MessageStatus::accepted) == store::state::kAccepted);
static_assert(static_cast<std::uint8_t>(MessageStatus::submitted) == store::state::kSubmitted);
static_assert(static_cast<std::uint8_t>(MessageStatus::delivered) == store::state::kDelivered);
static_assert(static_cast<std::uint8_t>(MessageStatus::failed) == store::state::kFailed);
static_assert(static_cast<std::uint8_t>(MessageStatus::expired) == store::state::kExpired);
static_assert(static_cast<std::uint8_t>(MessageStatus::rejected) == store::state::kRejected);

// `at(id, carrier)` for each form the receipt's id may take, the receiving carrier first:
// receipts may come back over another carrier connection than the submit went out on.
template <class At>
Expected<std::optional<store::PartRecord>> first_part(const carrier::Receipt& r, At at) {
  const auto candidates = smpp::receipt_id_candidates(r.receipt.id);
  for (const auto& id : candidates) {
    auto part = at(id, r.carrier);
    if (!part || *part) return part;
  }
  for (const auto& id : candidates) {
    auto part = at(id, std::nullopt);
    if (!part || *part) return part;
  }
  return std::optional<store::PartRecord>{};
}

Expected<std::optional<store::PartRecord>> find_part(store::WriteTransaction& tx,
                                                     const carrier::Receipt& r) {
  return first_part(r, [&tx](const std::string& id, const std::optional<std::string>& carrier) {
    return tx.find_part(id, carrier);
  });
}

// Marks the part the receipt is about (nullopt: unknown, or marked already). A part of the
// receiving carrier comes first, and one it has marked already stops the search: a repeated
// receipt must not mark another carrier's part that happens to carry the same id.
Expected<std::optional<store::PartRecord>> mark_part(store::WriteTransaction& tx,
                                                     const carrier::Receipt& r,
                                                     std::uint8_t state) {
  const auto candidates = smpp::receipt_id_candidates(r.receipt.id);
  for (const auto& id : candidates) {
    auto part = tx.mark_part(id, r.carrier, state);
    if (!part || *part) return part;
  }
  for (const auto& id : candidates) {
    auto known = tx.find_part(id, r.carrier);
    if (!known) return unexpected(known.error());
    if (*known) return std::optional<store::PartRecord>{};
  }
  for (const auto& id : candidates) {
    auto part = tx.mark_part(id, std::nullopt, state);
    if (!part || *part) return part;
  }
  return std::optional<store::PartRecord>{};
}

struct Verdict {
  std::uint8_t part_state;
  MessageStatus status;
  const char* code;
};

std::optional<Verdict> verdict(smpp::ReceiptState s) {
  using smpp::ReceiptState;
  switch (s) {
    case ReceiptState::delivered:
      return Verdict{store::part_state::kDelivered, MessageStatus::delivered, ""};
    case ReceiptState::undeliverable:
      return Verdict{store::part_state::kFailed, MessageStatus::failed, "undeliverable"};
    case ReceiptState::rejected:
      return Verdict{store::part_state::kFailed, MessageStatus::failed, "carrier_rejected"};
    case ReceiptState::deleted:
      return Verdict{store::part_state::kFailed, MessageStatus::failed, "deleted"};
    case ReceiptState::expired:
      return Verdict{store::part_state::kExpired, MessageStatus::expired, "expired"};
    default:
      return std::nullopt;  // enroute, accepted, unknown: not final
  }
}

}  // namespace

StatusChange change_from_outcome(carrier::SubmitOutcome&& o) {
  StatusChange c;
  c.id = o.message_id;
  c.carrier = std::move(o.carrier);
  switch (o.result) {
    case carrier::SubmitResult::accepted:
      c.status = MessageStatus::submitted;
      c.carrier_ids.reserve(o.carrier_ids.size());
      for (const auto& id : o.carrier_ids) c.carrier_ids.push_back(smpp::canonical_message_id(id));
      break;
    case carrier::SubmitResult::rejected:
      c.status = MessageStatus::failed;
      c.error = {"carrier_rejected",
                 o.detail.empty() ? std::string(smpp::status_name(o.status))
                                  : fmt::format("{}: {}", smpp::status_name(o.status), o.detail)};
      break;
    case carrier::SubmitResult::expired:
      c = expired_before_submit(o.message_id);
      break;
  }
  return c;
}

StatusChange expired_before_submit(std::uint64_t id) {
  StatusChange c;
  c.id = id;
  c.status = MessageStatus::expired;
  c.error = {"expired", "The message expired before a carrier accepted it."};
  return c;
}

StatusChange undeliverable(std::uint64_t id, std::string code, std::string detail) {
  StatusChange c;
  c.id = id;
  c.status = MessageStatus::failed;
  c.error = {std::move(code), std::move(detail)};
  return c;
}

Expected<bool> apply_change(store::WriteTransaction& tx, const StatusChange& c,
                            std::int64_t now_ms) {
  if (c.status == MessageStatus::submitted) {
    return tx.mark_submitted(c.id, c.carrier, c.carrier_ids, now_ms);
  }
  return tx.finish(c.id, static_cast<std::uint8_t>(c.status), c.error.code, c.error.detail, now_ms);
}

Expected<ReceiptEffect> apply_receipt(store::WriteTransaction& tx, const carrier::Receipt& r,
                                      std::int64_t now_ms) {
  const auto v = verdict(r.receipt.state);
  if (!v) {
    // Not final (enroute, accepted): nothing changes; only whether the part is known.
    auto part = find_part(tx, r);
    if (!part) return unexpected(part.error());
    return ReceiptEffect{part->has_value(), std::nullopt};
  }
  // The common case: mark the part, then count it (and finish the message with its last).
  auto part = mark_part(tx, r, v->part_state);
  if (!part) return unexpected(part.error());
  if (!*part) {
    // Unknown, or the same receipt again (its part left kSubmitted already).
    auto known = find_part(tx, r);
    if (!known) return unexpected(known.error());
    return ReceiptEffect{known->has_value(), std::nullopt};
  }
  const std::uint64_t message = (*part)->message_id;
  if (v->status == MessageStatus::delivered) {
    auto delivered = tx.deliver_part(message, now_ms);
    if (!delivered) return unexpected(delivered.error());
    if (!*delivered) return ReceiptEffect{true, std::nullopt};
    return ReceiptEffect{true, v->status, message, MessageError{}, std::move((*part)->request_id)};
  }
  const std::string detail =
      fmt::format("The carrier reported {}{}.", smpp::receipt_state_text(r.receipt.state),
                  r.receipt.error.empty() ? "" : fmt::format(" (err:{})", r.receipt.error));
  auto finished = tx.finish(message, static_cast<std::uint8_t>(v->status), v->code, detail, now_ms);
  if (!finished) return unexpected(finished.error());
  if (!*finished) return ReceiptEffect{true, std::nullopt};
  return ReceiptEffect{true, v->status, message, MessageError{v->code, detail},
                       std::move((*part)->request_id)};
}

}  // namespace diskret::pipeline
