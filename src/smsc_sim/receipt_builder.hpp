#pragma once
/// Builds the delivery receipt deliver_sm for an accepted submit_sm, in the standard text
/// format ("id:<id> sub:001 dlvrd:001 submit date:... stat:DELIVRD err:000 text:...")
/// with receipted_message_id and message_state TLVs, addresses swapped.
#include <cstdint>
#include <string>
#include <string_view>

#include "smpp/pdu.hpp"

namespace diskret::smsc_sim {

enum class ReceiptOutcome : bool { delivered, undeliverable };

/// Whether registered_delivery asks for a receipt for this outcome (bit 0: always;
/// value 2: on failure only).
bool wants_receipt(std::uint8_t registered_delivery, ReceiptOutcome outcome) noexcept;

/// "YYMMDDhhmm" in UTC.
std::string receipt_date(std::int64_t epoch_ms);

/// The first `max_chars` characters of the submit's text (UDH skipped, message_payload
/// when short_message is empty, UCS-2 decoded), printable ASCII only: others become '?'.
std::string receipt_text_excerpt(const smpp::SubmitSm& submit, std::size_t max_chars = 20);

smpp::DeliverSm build_receipt(const smpp::SubmitSm& submit, std::string_view message_id,
                              ReceiptOutcome outcome, std::int64_t submit_ms,
                              std::int64_t done_ms);

}  // namespace diskret::smsc_sim
