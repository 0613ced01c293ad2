#pragma once
/// InboundReader: what a deliver_sm from a carrier means: a delivery receipt, a complete
/// mobile-originated text (concatenated parts reassembled, by UDH or sar_* TLVs), a part
/// still waiting for the others, or something unreadable. Pure; one per carrier, because
/// the parts of one message may arrive over different binds.
#include <chrono>
#include <cstdint>
#include <string>

#include "sms/inbound.hpp"
#include "sms/text.hpp"
#include "smpp/delivery_receipt.hpp"
#include "smpp/pdu.hpp"

namespace diskret::carrier {

struct DeliverEvent {
  enum class Kind : std::uint8_t {
    receipt,             ///< `receipt` is set
    inbound,             ///< `from`, `to`, `text` are set
    partial,             ///< a part of a longer text; acknowledge it, nothing to report
    unreadable_receipt,  ///< receipt bit set but no id/state could be read (`detail`)
    unreadable_text,     ///< text in an unsupported coding or with a broken UDH (`detail`)
  };
  Kind kind = Kind::partial;
  smpp::DeliveryReceipt receipt;
  std::string from;
  std::string to;
  std::string text;    ///< UTF-8; never logged
  std::string detail;  ///< why it was unreadable; no personal data
};

class InboundReader {
 public:
  using TimePoint = sms::Reassembler::TimePoint;

  explicit InboundReader(sms::GsmPacking packing = sms::GsmPacking::unpacked) : packing_(packing) {}

  DeliverEvent read(const smpp::DeliverSm& pdu, TimePoint now);
  /// Drops parts of texts that never completed; returns how many texts were dropped.
  std::size_t expire(TimePoint now, std::chrono::seconds max_age) {
    return reassembler_.expire(now, max_age);
  }
  std::size_t pending() const noexcept { return reassembler_.pending(); }

 private:
  sms::GsmPacking packing_;
  sms::Reassembler reassembler_;
};

}  // namespace diskret::carrier
