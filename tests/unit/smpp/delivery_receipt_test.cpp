#include "smpp/delivery_receipt.hpp"

#include <gtest/gtest.h>

#include "smpp/pdu_codec.hpp"
#include "unit/smpp/golden.hpp"

namespace diskret::smpp {
namespace {

DeliverSm receipt_with_text(std::string text) {
  DeliverSm pdu;
  pdu.esm_class = esm::delivery_receipt;
  pdu.short_message = std::move(text);
  return pdu;
}

DeliveryReceipt parsed(std::string text) {
  auto r = parse_receipt(receipt_with_text(std::move(text)));
  EXPECT_TRUE(r) << r.error().message();
  return r ? *r : DeliveryReceipt{};
}

TEST(DeliveryReceipt, ParsesTheStandardText) {
  const auto r = parsed(
      "id:0123456789 sub:001 dlvrd:001 submit date:2401021504 done date:2401021505 stat:DELIVRD "
      "err:000 text:Hello world");
  EXPECT_EQ(r.id, "0123456789");
  EXPECT_EQ(r.submitted, 1u);
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_EQ(r.submit_date, "2401021504");
  EXPECT_EQ(r.done_date, "2401021505");
  EXPECT_EQ(r.state, ReceiptState::delivered);
  EXPECT_EQ(r.error, "000");
  EXPECT_EQ(r.text, "Hello world");
}

TEST(DeliveryReceipt, ParsesTheGoldenReceiptPdu) {
  auto pdu = decode(test::golden("deliver_sm_receipt.hex"));
  ASSERT_TRUE(pdu);
  const auto& dlr = std::get<DeliverSm>(pdu->body);
  ASSERT_TRUE(is_receipt(dlr));
  auto r = parse_receipt(dlr);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "1a2b") << "receipted_message_id wins over the text's id:6699";
  EXPECT_EQ(r->state, ReceiptState::delivered);
  EXPECT_EQ(r->done_date, "2401021505");
  EXPECT_EQ(r->text, "Hello");
}

TEST(DeliveryReceipt, KeysInAnyCaseAndExtraSpaces) {
  const auto r = parsed(
      "ID: abc123  SUB:1 DLVRD:0   Submit  Date:240102150455 DONE_DATE : 240102150501 "
      "Stat: undeliv ERR:  012 Text:");
  EXPECT_EQ(r.id, "abc123");
  EXPECT_EQ(r.submitted, 1u);
  EXPECT_EQ(r.delivered, 0u);
  EXPECT_EQ(r.submit_date, "240102150455");
  EXPECT_EQ(r.done_date, "240102150501");
  EXPECT_EQ(r.state, ReceiptState::undeliverable);
  EXPECT_EQ(r.error, "012");
  EXPECT_EQ(r.text, "");
}

TEST(DeliveryReceipt, MissingFieldsAndNoText) {
  const auto r = parsed("id:77 stat:EXPIRED");
  EXPECT_EQ(r.id, "77");
  EXPECT_EQ(r.state, ReceiptState::expired);
  EXPECT_FALSE(r.submitted);
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.submit_date, "");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.text, "");
}

TEST(DeliveryReceipt, TextMayContainKeyWords) {
  const auto r = parsed("id:5 stat:DELIVRD err:000 text:stat:REJECTD id:9");
  EXPECT_EQ(r.id, "5");
  EXPECT_EQ(r.state, ReceiptState::delivered);
  EXPECT_EQ(r.text, "stat:REJECTD id:9");
}

TEST(DeliveryReceipt, EveryStatWordInEitherCase) {
  const std::pair<const char*, ReceiptState> cases[] = {
      {"DELIVRD", ReceiptState::delivered}, {"EXPIRED", ReceiptState::expired},
      {"DELETED", ReceiptState::deleted},   {"UNDELIV", ReceiptState::undeliverable},
      {"ACCEPTD", ReceiptState::accepted},  {"UNKNOWN", ReceiptState::unknown},
      {"REJECTD", ReceiptState::rejected},  {"ENROUTE", ReceiptState::enroute},
      {"delivrd", ReceiptState::delivered}, {"rejectd", ReceiptState::rejected},
      {"enroute", ReceiptState::enroute},   {"Expired", ReceiptState::expired},
  };
  for (const auto& [word, state] : cases) {
    EXPECT_EQ(parsed(std::string("id:1 stat:") + word).state, state) << word;
  }
  EXPECT_EQ(parsed("id:1 stat:WHATEVER").state, ReceiptState::unknown);
}

TEST(DeliveryReceipt, TlvsWinOverText) {
  auto pdu = receipt_with_text("id:6699 stat:ENROUTE err:000");
  pdu.tlvs.receipted_message_id = "1A2B";
  pdu.tlvs.message_state = MessageState::rejected;
  pdu.tlvs.network_error_code = std::string("\x03\x00\x0b", 3);
  auto r = parse_receipt(pdu);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "1A2B");
  EXPECT_EQ(r->state, ReceiptState::rejected);
  EXPECT_EQ(r->error, "011");
}

TEST(DeliveryReceipt, TlvsAloneAreEnough) {
  DeliverSm pdu;
  pdu.esm_class = esm::delivery_receipt;
  pdu.tlvs.receipted_message_id = "abc";
  pdu.tlvs.message_state = MessageState::delivered;
  auto r = parse_receipt(pdu);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "abc");
  EXPECT_EQ(r->state, ReceiptState::delivered);
}

TEST(DeliveryReceipt, TextInMessagePayload) {
  DeliverSm pdu;
  pdu.esm_class = esm::delivery_receipt;
  pdu.tlvs.message_payload = "id:42 stat:DELETED";
  auto r = parse_receipt(pdu);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "42");
  EXPECT_EQ(r->state, ReceiptState::deleted);
}

TEST(DeliveryReceipt, RefusesReceiptWithoutIdAndNonReceipts) {
  EXPECT_FALSE(parse_receipt(receipt_with_text("sub:001 stat:DELIVRD")));
  EXPECT_FALSE(parse_receipt(receipt_with_text("hello there")));
  DeliverSm mo;
  mo.short_message = "id:1 stat:DELIVRD";
  EXPECT_FALSE(is_receipt(mo));
  EXPECT_FALSE(parse_receipt(mo));
}

TEST(DeliveryReceipt, IntermediateNotificationIsAReceipt) {
  DeliverSm pdu;
  pdu.esm_class = 0x20;
  EXPECT_TRUE(is_receipt(pdu));
}

TEST(DeliveryReceipt, FinalStates) {
  EXPECT_TRUE(is_final(ReceiptState::delivered));
  EXPECT_TRUE(is_final(ReceiptState::undeliverable));
  EXPECT_TRUE(is_final(ReceiptState::rejected));
  EXPECT_TRUE(is_final(ReceiptState::expired));
  EXPECT_TRUE(is_final(ReceiptState::deleted));
  EXPECT_FALSE(is_final(ReceiptState::enroute));
  EXPECT_FALSE(is_final(ReceiptState::accepted));
  EXPECT_FALSE(is_final(ReceiptState::unknown));
  EXPECT_STREQ(receipt_state_text(ReceiptState::undeliverable), "UNDELIV");
}

DeliveryReceipt full_receipt() {
  DeliveryReceipt r;
  r.id = "1a2b";
  r.submitted = 1;
  r.delivered = 0;
  r.submit_date = "2401021504";
  r.done_date = "2401021505";
  r.state = ReceiptState::undeliverable;
  r.error = "011";
  r.text = "Hello";
  return r;
}

TEST(DeliveryReceipt, FormatsTheStandardText) {
  EXPECT_EQ(format_receipt_text(full_receipt()),
            "id:1a2b sub:001 dlvrd:000 submit date:2401021504 done date:2401021505 stat:UNDELIV "
            "err:011 text:Hello");
  auto r = full_receipt();
  r.text = std::string(30, 'a');
  EXPECT_NE(format_receipt_text(r).find("text:" + std::string(20, 'a')), std::string::npos);
  EXPECT_EQ(format_receipt_text(r).find(std::string(21, 'a')), std::string::npos);
}

TEST(DeliveryReceipt, MadePduParsesBackAndSurvivesTheWire) {
  const auto r = full_receipt();
  const auto pdu = make_receipt_pdu(r, "447700900123", "diskret");
  EXPECT_EQ(pdu.esm_class, esm::delivery_receipt);
  EXPECT_EQ(pdu.tlvs.receipted_message_id, "1a2b");
  EXPECT_EQ(pdu.tlvs.message_state, MessageState::undeliverable);
  auto wire = decode(encode(Pdu{0, 1, pdu}));
  ASSERT_TRUE(wire);
  auto back = parse_receipt(std::get<DeliverSm>(wire->body));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, r);
}

TEST(MessageIdMatching, CanonicalForm) {
  EXPECT_EQ(canonical_message_id("000A1f"), "a1f");
  EXPECT_EQ(canonical_message_id("  ABC  "), "abc");
  EXPECT_EQ(canonical_message_id("0"), "0");
  EXPECT_EQ(canonical_message_id("0000"), "0");
  EXPECT_EQ(canonical_message_id(""), "");
  EXPECT_EQ(canonical_message_id("f2a9c6e0-1b"), "f2a9c6e0-1b");
}

bool matches(std::string_view resp_id, std::string_view receipt_id) {
  const auto stored = canonical_message_id(resp_id);
  for (const auto& c : receipt_id_candidates(receipt_id)) {
    if (c == stored) return true;
  }
  return false;
}

TEST(MessageIdMatching, HexResponseDecimalReceipt) {
  EXPECT_TRUE(matches("1a2b", "6699"));
  EXPECT_TRUE(matches("1A2B", "0006699"));
  EXPECT_TRUE(matches("6699", "1a2b"));
  EXPECT_TRUE(matches("00001a2b", "6699"));
  EXPECT_TRUE(matches("ffffffffffffffff", "18446744073709551615"));
  EXPECT_FALSE(matches("1a2c", "6699"));
}

TEST(MessageIdMatching, DecimalLookingIdsYieldBothConversions) {
  // "6699" is decimal 6699 (= 0x1a2b) and also hex 0x6699 (= 26265).
  EXPECT_EQ(receipt_id_candidates(" 06699 "), (std::vector<std::string>{"6699", "1a2b", "26265"}));
  EXPECT_EQ(receipt_id_candidates("1A2B"), (std::vector<std::string>{"1a2b", "6699"}));
}

TEST(MessageIdMatching, CandidatesSkipNumbersBeyond64Bits) {
  const auto c = receipt_id_candidates("18446744073709551616");  // 2^64
  EXPECT_EQ(c.size(), 1u);
  EXPECT_EQ(receipt_id_candidates("abc-123").size(), 1u);
  EXPECT_EQ(receipt_id_candidates("0").size(), 1u);
}

}  // namespace
}  // namespace diskret::smpp
