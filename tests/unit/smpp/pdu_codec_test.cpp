#include "smpp/pdu_codec.hpp"

#include <gtest/gtest.h>

#include "smpp/detail/field_table.hpp"
#include "unit/smpp/golden.hpp"
#include "unit/smpp/samples.hpp"

namespace diskret::smpp {
namespace {

using test::bytes_of;
using test::golden;

TEST(PduCodec, RoundTripsEveryPduType) {
  const auto pdus = test::every_pdu_type();
  ASSERT_EQ(pdus.size(), std::variant_size_v<Body>);
  for (std::size_t i = 0; i < pdus.size(); ++i) {
    EXPECT_EQ(pdus[i].body.index(), i) << "every alternative once, in order";
    const auto bytes = encode(pdus[i]);
    auto back = decode(bytes);
    ASSERT_TRUE(back) << command_name(command_id(pdus[i].body)) << ": " << back.error().detail;
    EXPECT_EQ(*back, pdus[i]) << command_name(command_id(pdus[i].body));
  }
}

TEST(PduCodec, EncodeToAppendsToExistingBytes) {
  std::vector<std::uint8_t> out{0xAA};
  encode_to(Pdu{0, 1, EnquireLink{}}, out);
  encode_to(Pdu{0, 2, EnquireLink{}}, out);
  ASSERT_EQ(out.size(), 33u);
  EXPECT_EQ(out[0], 0xAA);
  EXPECT_EQ(std::vector<std::uint8_t>(out.begin() + 1, out.begin() + 17), golden("enquire_link.hex"));
  EXPECT_EQ(std::vector<std::uint8_t>(out.begin() + 17, out.end()), encode(Pdu{0, 2, EnquireLink{}}));
}

TEST(PduCodec, CommandIdFollowsTheBody) {
  EXPECT_EQ(command_id(Body{SubmitSm{}}), CommandId::submit_sm);
  EXPECT_EQ(command_id(Body{GenericNack{}}), CommandId::generic_nack);
  EXPECT_EQ(command_id(Body{BindTransceiverResp{}}), CommandId::bind_transceiver_resp);
  EXPECT_STREQ(command_name(CommandId::deliver_sm_resp), "deliver_sm_resp");
  EXPECT_TRUE(is_response(CommandId::generic_nack));
  EXPECT_FALSE(is_response(CommandId::unbind));
}

// ---- golden bytes, written by hand from the SMPP 3.4 layouts --------------------------

void expect_golden(const std::string& file, const Pdu& expected) {
  SCOPED_TRACE(file);
  const auto bytes = golden(file);
  auto decoded = decode(bytes);
  ASSERT_TRUE(decoded) << decoded.error().detail;
  EXPECT_EQ(*decoded, expected);
  EXPECT_EQ(encode(expected), bytes);
}

TEST(PduCodecGolden, EnquireLinkAndOtherHeaderOnlyPdus) {
  expect_golden("enquire_link.hex", Pdu{0, 1, EnquireLink{}});
  expect_golden("enquire_link_resp.hex", Pdu{0, 1, EnquireLinkResp{}});
  expect_golden("unbind.hex", Pdu{0, 4, Unbind{}});
  expect_golden("unbind_resp.hex", Pdu{0, 4, UnbindResp{}});
  expect_golden("generic_nack.hex",
                Pdu{static_cast<std::uint32_t>(Status::invalid_command_id), 7, GenericNack{}});
}

TEST(PduCodecGolden, BindTransmitter) {
  expect_golden("bind_transmitter.hex",
                Pdu{0, 1, BindTransmitter{{"SMPP3TEST", "secret08", "SUBMIT1", 0x34, 1, 1, ""}}});
}

TEST(PduCodecGolden, BindTransceiverWithAddressRange) {
  expect_golden("bind_transceiver.hex",
                Pdu{0, 2, BindTransceiver{{"esme1", "pw", "", 0x34, 0, 0, "^49.*"}}});
}

TEST(PduCodecGolden, BindTransmitterRespWithInterfaceVersion) {
  BindTransmitterResp resp;
  resp.system_id = "SMSC";
  resp.tlvs.sc_interface_version = 0x34;
  expect_golden("bind_transmitter_resp.hex", Pdu{0, 1, resp});
}

TEST(PduCodecGolden, BindRespErrorHasNoBody) {
  expect_golden("bind_transmitter_resp_error.hex",
                Pdu{static_cast<std::uint32_t>(Status::invalid_password), 1, BindTransmitterResp{}});
}

TEST(PduCodecGolden, MinimalSubmitSm) {
  SubmitSm sm;
  sm.source_addr_ton = 5;
  sm.source_addr = "diskret";
  sm.dest_addr_ton = 1;
  sm.dest_addr_npi = 1;
  sm.destination_addr = "447700900123";
  sm.registered_delivery = 1;
  sm.short_message = "Hello";
  expect_golden("submit_sm_min.hex", Pdu{0, 2, sm});
}

TEST(PduCodecGolden, SubmitSmResp) {
  expect_golden("submit_sm_resp.hex", Pdu{0, 2, SubmitSmResp{"1a2b"}});
  expect_golden("submit_sm_resp_throttled.hex",
                Pdu{static_cast<std::uint32_t>(Status::throttled), 3, SubmitSmResp{}});
  expect_golden("deliver_sm_resp.hex", Pdu{0, 9, DeliverSmResp{}});
}

TEST(PduCodecGolden, AcceptsSubmitSmRespWithoutFinalNul) {
  auto pdu = decode(golden("submit_sm_resp_no_nul.hex"));
  ASSERT_TRUE(pdu) << pdu.error().detail;
  EXPECT_EQ(std::get<SubmitSmResp>(pdu->body).message_id, "1a2b");
  EXPECT_EQ(pdu->sequence_number, 5u);
}

TEST(PduCodecGolden, DeliverSmReceiptWithTlvs) {
  DeliverSm dlr;
  dlr.source_addr_ton = 1;
  dlr.source_addr_npi = 1;
  dlr.source_addr = "447700900123";
  dlr.dest_addr_ton = 5;
  dlr.destination_addr = "diskret";
  dlr.esm_class = esm::delivery_receipt;
  dlr.short_message =
      "id:6699 sub:001 dlvrd:001 submit date:2401021504 done date:2401021505 stat:DELIVRD "
      "err:000 text:Hello";
  dlr.tlvs.receipted_message_id = "1a2b";
  dlr.tlvs.message_state = MessageState::delivered;
  dlr.tlvs.network_error_code = std::string("\x03\x00\x00", 3);
  dlr.tlvs.other.push_back(Tlv{0x1501, "\xab\xcd"});
  expect_golden("deliver_sm_receipt.hex", Pdu{0, 9, dlr});
}

TEST(PduCodec, UnknownTlvSurvivesDecodeEncode) {
  const auto bytes = golden("deliver_sm_receipt.hex");
  auto pdu = decode(bytes);
  ASSERT_TRUE(pdu);
  const auto& other = std::get<DeliverSm>(pdu->body).tlvs.other;
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].tag, 0x1501);
  EXPECT_EQ(other[0].value, "\xab\xcd");
  EXPECT_EQ(encode(*pdu), bytes);
}

TEST(PduCodec, UnknownTlvsKeepWireOrder) {
  SubmitSm sm;
  sm.tlvs.other = {Tlv{0x1402, "b"}, Tlv{0x1401, "a"}, Tlv{0x1402, "c"}};
  auto back = decode(encode(Pdu{0, 1, sm}));
  ASSERT_TRUE(back);
  EXPECT_EQ(std::get<SubmitSm>(back->body).tlvs.other, sm.tlvs.other);
}

// ---- to_string -----------------------------------------------------------------------

TEST(PduToString, MasksAddressesAndHidesContent) {
  auto sm = test::sample_submit_sm();
  sm.tlvs.message_payload = "a private text";
  const auto text = to_string(Pdu{0, 4, sm});
  EXPECT_NE(text.find("submit_sm seq=4 status=ESME_ROK"), std::string::npos) << text;
  EXPECT_NE(text.find("destination_addr=4477*****123"), std::string::npos) << text;
  EXPECT_NE(text.find("short_message=<126 octets>"), std::string::npos) << text;
  EXPECT_NE(text.find("message_payload=<14 octets>"), std::string::npos) << text;
  EXPECT_EQ(text.find("447700900123"), std::string::npos) << text;
  EXPECT_EQ(text.find("private"), std::string::npos) << text;
  EXPECT_EQ(text.find("xxxx"), std::string::npos) << text;
}

TEST(PduToString, NeverShowsThePassword) {
  const auto text = to_string(Pdu{0, 1, BindTransmitter{{"esme1", "secret08", "", 0x34, 0, 0, ""}}});
  EXPECT_NE(text.find("system_id=\"esme1\""), std::string::npos) << text;
  EXPECT_NE(text.find("password=***"), std::string::npos) << text;
  EXPECT_EQ(text.find("secret08"), std::string::npos) << text;
}

TEST(PduToString, NamesUnknownStatusesInHex) {
  const auto text = to_string(Pdu{0x401, 9, SubmitSmResp{"77"}});
  EXPECT_NE(text.find("submit_sm_resp seq=9 status=0x00000401 message_id=\"77\""), std::string::npos)
      << text;
}

}  // namespace
}  // namespace diskret::smpp
