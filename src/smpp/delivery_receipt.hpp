#pragma once
/// Delivery receipts: the de-facto text format ("id:... sub:... dlvrd:... submit date:...
/// done date:... stat:DELIVRD err:... text:...") and the receipted_message_id /
/// message_state TLVs; plus the matching rules for carrier message ids.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "smpp/pdu.hpp"

namespace diskret::smpp {

enum class ReceiptState : std::uint8_t {
  enroute, delivered, expired, deleted, undeliverable, accepted, unknown, rejected,
};
/// "DELIVRD", "EXPIRED", "DELETED", "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD", "ENROUTE".
const char* receipt_state_text(ReceiptState s) noexcept;
/// Final states end a message's life; enroute/accepted/unknown do not.
bool is_final(ReceiptState s) noexcept;

struct DeliveryReceipt {
  std::string id;                   ///< carrier message id as written in the receipt
  std::optional<unsigned> submitted;
  std::optional<unsigned> delivered;
  std::string submit_date;          ///< "YYMMDDhhmm" (or with seconds), as received
  std::string done_date;
  ReceiptState state = ReceiptState::unknown;
  std::string error;                ///< "err:" field (3 digits usually) or network_error_code
  std::string text;                 ///< first characters of the original text (may be empty)
  friend bool operator==(const DeliveryReceipt&, const DeliveryReceipt&) = default;
};

/// Parses a deliver_sm whose esm_class has the receipt bit. TLVs win over the text where
/// both are present; either alone is enough.
Expected<DeliveryReceipt> parse_receipt(const DeliverSm& pdu);
bool is_receipt(const DeliverSm& pdu) noexcept;

/// The standard receipt text for a receipt (used by diskret-smsc and our SMPP server).
std::string format_receipt_text(const DeliveryReceipt& r);
/// A complete receipt deliver_sm (esm_class 0x04, text + receipted_message_id and
/// message_state TLVs). Addresses are swapped by the caller as needed.
DeliverSm make_receipt_pdu(const DeliveryReceipt& r, std::string source_addr,
                           std::string destination_addr);

/// Canonical form of a carrier message id for storage and matching: trimmed, lowercase,
/// leading zeros removed ("000A1f" -> "a1f", "0" stays "0").
std::string canonical_message_id(std::string_view id);
/// Canonical ids a receipt id may stand for: itself, and its decimal<->hex conversion when
/// it is a number that fits 64 bits (carriers answer submit_sm_resp in hex and write
/// receipts in decimal, or the reverse). Store canonical_message_id(resp id); look up all.
std::vector<std::string> receipt_id_candidates(std::string_view id);

}  // namespace diskret::smpp
