#include "smpp_server/receipts.hpp"

#include <gtest/gtest.h>

namespace diskret::smpp_server {
namespace {

TEST(SmppReceipts, DeliveredReceiptInStandardFormat) {
  ReceiptRequest r;
  r.tenant = pipeline::TenantId{1};
  r.source_addr = "Shop";
  r.source_ton = 5;
  r.destination_addr = "4915112345678";
  r.dest_ton = 1;
  r.dest_npi = 1;
  r.submitted_at = SystemTime{std::chrono::seconds{1'700'000'000}};  // 2023-11-14 22:13:20
  const auto done = r.submitted_at + std::chrono::minutes{3};
  const pipeline::MessageId id{0x0123456789abcdefULL};
  auto pdu = build_receipt(id, r, pipeline::MessageStatus::delivered, done);
  EXPECT_EQ(pdu.esm_class & smpp::esm::type_mask, smpp::esm::delivery_receipt);
  EXPECT_EQ(pdu.source_addr, "4915112345678");
  EXPECT_EQ(pdu.source_addr_ton, 1);
  EXPECT_EQ(pdu.destination_addr, "Shop");
  EXPECT_EQ(pdu.dest_addr_ton, 5);
  EXPECT_NE(pdu.short_message.find("id:0123456789abcdef "), std::string::npos) << pdu.short_message;
  EXPECT_NE(pdu.short_message.find("submit date:2311142213"), std::string::npos);
  EXPECT_NE(pdu.short_message.find("done date:2311142216"), std::string::npos);
  EXPECT_NE(pdu.short_message.find("stat:DELIVRD"), std::string::npos);
  EXPECT_EQ(pdu.tlvs.receipted_message_id, "0123456789abcdef");
  EXPECT_EQ(pdu.tlvs.message_state, smpp::MessageState::delivered);
  auto parsed = smpp::parse_receipt(pdu);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->state, smpp::ReceiptState::delivered);
}

TEST(SmppReceipts, FinalStatesMapToReceiptStates) {
  EXPECT_EQ(receipt_state(pipeline::MessageStatus::failed), smpp::ReceiptState::undeliverable);
  EXPECT_EQ(receipt_state(pipeline::MessageStatus::expired), smpp::ReceiptState::expired);
  EXPECT_EQ(receipt_state(pipeline::MessageStatus::rejected), smpp::ReceiptState::rejected);
  ReceiptRequest r;
  auto pdu =
      build_receipt(pipeline::MessageId{1}, r, pipeline::MessageStatus::failed, SystemTime{});
  EXPECT_NE(pdu.short_message.find("stat:UNDELIV"), std::string::npos);
  EXPECT_NE(pdu.short_message.find("dlvrd:000"), std::string::npos);
}

}  // namespace
}  // namespace diskret::smpp_server
