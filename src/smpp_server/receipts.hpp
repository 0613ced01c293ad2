#pragma once
/// Delivery receipts for customers: what the server remembers about a submit that asked
/// for one, and the deliver_sm in the standard receipt format built from a final status.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "pipeline/message.hpp"
#include "smpp/delivery_receipt.hpp"
#include "smpp/pdu.hpp"

namespace diskret::smpp_server {

/// Addressing of an accepted submit that wants a receipt (stored sealed with its message:
/// encode_request()).
struct ReceiptRequest {
  pipeline::TenantId tenant;
  std::string source_addr;  ///< as the customer sent it
  std::uint8_t source_ton = 0, source_npi = 0;
  std::string destination_addr;
  std::uint8_t dest_ton = 0, dest_npi = 0;
  SystemTime submitted_at;
  SystemTime keep_until;  ///< undelivered receipts are dropped after this
};

smpp::ReceiptState receipt_state(pipeline::MessageStatus status) noexcept;

/// The receipt deliver_sm: from the handset (original destination) to the customer's
/// address (original source), "id:<message id> sub:001 dlvrd:00x submit date:... done
/// date:... stat:DELIVRD err:000 text:" plus receipted_message_id and message_state.
/// The message text is never repeated in the receipt.
smpp::DeliverSm build_receipt(pipeline::MessageId id, const ReceiptRequest& request,
                              pipeline::MessageStatus status, SystemTime done_at);

/// A receipt request as bytes for the database (sealed by the caller) and back; the tenant
/// and keep_until are columns of their own and not part of the bytes.
std::string encode_request(const ReceiptRequest& request);
std::optional<ReceiptRequest> decode_request(std::string_view bytes);

/// Associated data binding a sealed receipt request to its tenant and message, and a
/// sealed outbox deliver_sm to its tenant.
std::string request_ad(std::uint64_t tenant, std::uint64_t message_id);
std::string outbox_ad(std::uint64_t tenant);

/// "YYMMDDhhmm" in UTC.
std::string receipt_date(SystemTime t);

}  // namespace diskret::smpp_server
