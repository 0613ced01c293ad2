#pragma once
// One populated PDU of every type, for round trips and framing.
#include <vector>

#include "smpp/pdu.hpp"

namespace diskret::smpp::test {

inline SubmitSm sample_submit_sm() {
  SubmitSm sm;
  sm.service_type = "CMT";
  sm.source_addr_ton = 5;
  sm.source_addr = "diskret";
  sm.dest_addr_ton = 1;
  sm.dest_addr_npi = 1;
  sm.destination_addr = "447700900123";
  sm.esm_class = esm::udhi;
  sm.registered_delivery = 1;
  sm.data_coding = 8;
  sm.validity_period = "000001000000000R";
  sm.short_message = std::string("\x05\x00\x03\x2a\x02\x01", 6) + std::string(120, 'x');
  sm.tlvs.user_message_reference = 0x1234;
  sm.tlvs.sar_msg_ref_num = 42;
  sm.tlvs.sar_total_segments = 2;
  sm.tlvs.sar_segment_seqnum = 1;
  return sm;
}

inline std::vector<Pdu> every_pdu_type() {
  BindBody bind{"esme1", "secret08", "SUBMIT1", 0x34, 1, 1, "^49"};
  BindRespBody bind_resp{"SMSC", {}};
  bind_resp.tlvs.sc_interface_version = 0x34;
  DeliverSm dlr;
  dlr.source_addr = "447700900123";
  dlr.destination_addr = "diskret";
  dlr.esm_class = esm::delivery_receipt;
  dlr.short_message = "id:1 stat:DELIVRD";
  dlr.tlvs.receipted_message_id = "1";
  dlr.tlvs.message_state = MessageState::delivered;
  dlr.tlvs.network_error_code = std::string("\x03\x00\x00", 3);
  dlr.tlvs.message_payload = std::string(300, 'p');
  dlr.tlvs.other.push_back(Tlv{0x1501, "ab"});
  dlr.tlvs.other.push_back(Tlv{0x1400, ""});
  return {
      Pdu{0, 1, BindTransmitter{bind}},
      Pdu{0, 2, BindReceiver{bind}},
      Pdu{0, 3, BindTransceiver{bind}},
      Pdu{0, 1, BindTransmitterResp{bind_resp}},
      Pdu{0, 2, BindReceiverResp{bind_resp}},
      Pdu{0x0E, 3, BindTransceiverResp{}},
      Pdu{0, 4, sample_submit_sm()},
      Pdu{0, 4, SubmitSmResp{"0a1b2c3d"}},
      Pdu{0, 5, dlr},
      Pdu{0, 5, DeliverSmResp{}},
      Pdu{0, 6, Unbind{}},
      Pdu{0, 6, UnbindResp{}},
      Pdu{0, 7, EnquireLink{}},
      Pdu{0, 7, EnquireLinkResp{}},
      Pdu{0x03, 8, GenericNack{}},
  };
}

}  // namespace diskret::smpp::test
