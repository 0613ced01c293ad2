#include "carrier/inbound_reader.hpp"

#include <string_view>

namespace diskret::carrier {

DeliverEvent InboundReader::read(const smpp::DeliverSm& pdu, TimePoint now) {
  DeliverEvent ev;
  if (smpp::is_receipt(pdu)) {
    auto receipt = smpp::parse_receipt(pdu);
    if (!receipt) {
      ev.kind = DeliverEvent::Kind::unreadable_receipt;
      ev.detail = receipt.error().message();
      return ev;
    }
    ev.kind = DeliverEvent::Kind::receipt;
    ev.receipt = std::move(*receipt);
    return ev;
  }

  // A long MO may come whole in message_payload instead of short_message.
  std::string_view octets = pdu.short_message;
  if (octets.empty() && pdu.tlvs.message_payload) octets = *pdu.tlvs.message_payload;
  const bool udhi = (pdu.esm_class & smpp::esm::udhi) != 0;
  auto part = sms::decode(octets, pdu.data_coding, udhi, packing_);
  if (!part) {
    ev.kind = DeliverEvent::Kind::unreadable_text;
    ev.detail = part.error().message();
    return ev;
  }
  if (!part->concat && pdu.tlvs.sar_msg_ref_num && pdu.tlvs.sar_total_segments &&
      pdu.tlvs.sar_segment_seqnum) {
    part->concat = sms::ConcatInfo{*pdu.tlvs.sar_msg_ref_num, *pdu.tlvs.sar_total_segments,
                                   *pdu.tlvs.sar_segment_seqnum};
  }
  // Parts belong together only between the same two parties.
  std::string key = pdu.source_addr;
  key.push_back('\x1f');
  key.append(pdu.destination_addr);
  auto whole = reassembler_.add(key, *part, now);
  if (!whole) return ev;  // partial
  ev.kind = DeliverEvent::Kind::inbound;
  ev.from = pdu.source_addr;
  ev.to = pdu.destination_addr;
  ev.text = std::move(*whole);
  return ev;
}

}  // namespace diskret::carrier
