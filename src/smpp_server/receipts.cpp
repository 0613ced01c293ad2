#include "smpp_server/receipts.hpp"

#include <fmt/format.h>

#include <chrono>

namespace diskret::smpp_server {

smpp::ReceiptState receipt_state(pipeline::MessageStatus status) noexcept {
  using pipeline::MessageStatus;
  switch (status) {
    case MessageStatus::delivered:
      return smpp::ReceiptState::delivered;
    case MessageStatus::failed:
      return smpp::ReceiptState::undeliverable;
    case MessageStatus::expired:
      return smpp::ReceiptState::expired;
    case MessageStatus::rejected:
      return smpp::ReceiptState::rejected;
    case MessageStatus::accepted:
      return smpp::ReceiptState::accepted;
    case MessageStatus::submitted:
      return smpp::ReceiptState::enroute;
  }
  return smpp::ReceiptState::unknown;
}

std::string receipt_date(SystemTime t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<minutes>(t - day)};
  return fmt::format("{:02}{:02}{:02}{:02}{:02}", static_cast<int>(ymd.year()) % 100,
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count());
}

smpp::DeliverSm build_receipt(pipeline::MessageId id, const ReceiptRequest& request,
                              pipeline::MessageStatus status, SystemTime done_at) {
  smpp::DeliveryReceipt r;
  r.id = pipeline::format_message_id(id);
  r.submitted = 1;
  r.delivered = status == pipeline::MessageStatus::delivered ? 1 : 0;
  r.submit_date = receipt_date(request.submitted_at);
  r.done_date = receipt_date(done_at);
  r.state = receipt_state(status);
  // err: 000 for success; 001 is the generic failure code most ESMEs expect.
  r.error = status == pipeline::MessageStatus::delivered ? "000" : "001";
  smpp::DeliverSm pdu = smpp::make_receipt_pdu(r, request.destination_addr, request.source_addr);
  pdu.source_addr_ton = request.dest_ton;
  pdu.source_addr_npi = request.dest_npi;
  pdu.dest_addr_ton = request.source_ton;
  pdu.dest_addr_npi = request.source_npi;
  return pdu;
}

}  // namespace diskret::smpp_server
