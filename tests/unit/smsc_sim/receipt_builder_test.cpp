#include "smsc_sim/receipt_builder.hpp"

#include <gtest/gtest.h>

#include "smpp/delivery_receipt.hpp"

namespace diskret::smsc_sim {
namespace {

constexpr std::int64_t kSubmitMs = 1'700'000'000'000;  // 2023-11-14 22:13:20 UTC

smpp::SubmitSm submit(std::string text, std::uint8_t coding = 0, std::uint8_t esm = 0) {
  smpp::SubmitSm s;
  s.source_addr_ton = 5;
  s.source_addr = "Shop";
  s.dest_addr_ton = 1;
  s.dest_addr_npi = 1;
  s.destination_addr = "4915112345678";
  s.data_coding = coding;
  s.esm_class = esm;
  s.short_message = std::move(text);
  return s;
}

TEST(ReceiptBuilder, WritesStandardDeliveredReceipt) {
  const auto pdu = build_receipt(submit("Your code is 123456, valid 5 minutes"), "1700000000000000001",
                                 ReceiptOutcome::delivered, kSubmitMs, kSubmitMs + 60'000);
  EXPECT_EQ(pdu.short_message,
            "id:1700000000000000001 sub:001 dlvrd:001 submit date:2311142213 done date:2311142214 "
            "stat:DELIVRD err:000 text:Your code is 123456,");
  EXPECT_EQ(pdu.esm_class, 0x04);
  EXPECT_EQ(pdu.tlvs.receipted_message_id, "1700000000000000001");
  EXPECT_EQ(pdu.tlvs.message_state, smpp::MessageState::delivered);
  // From the handset back to the sender.
  EXPECT_EQ(pdu.source_addr, "4915112345678");
  EXPECT_EQ(pdu.source_addr_ton, 1);
  EXPECT_EQ(pdu.destination_addr, "Shop");
  EXPECT_EQ(pdu.dest_addr_ton, 5);
  auto parsed = smpp::parse_receipt(pdu);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->state, smpp::ReceiptState::delivered);
}

TEST(ReceiptBuilder, UndeliverableReceipt) {
  const auto pdu = build_receipt(submit("x"), "77", ReceiptOutcome::undeliverable, kSubmitMs,
                                 kSubmitMs);
  EXPECT_NE(pdu.short_message.find("dlvrd:000"), std::string::npos);
  EXPECT_NE(pdu.short_message.find("stat:UNDELIV err:001"), std::string::npos);
  EXPECT_EQ(pdu.tlvs.message_state, smpp::MessageState::undeliverable);
}

TEST(ReceiptBuilder, ExcerptSkipsUdhAndDecodesUcs2) {
  EXPECT_EQ(receipt_text_excerpt(submit(std::string("\x05\x00\x03\x01\x02\x01Hello", 11), 0, 0x40)),
            "Hello");
  EXPECT_EQ(receipt_text_excerpt(submit(std::string("\x00H\x00i\x04\x1f", 6), 8)), "Hi?");
  smpp::SubmitSm payload = submit("");
  payload.tlvs.message_payload = "from payload";
  EXPECT_EQ(receipt_text_excerpt(payload), "from payload");
  EXPECT_EQ(receipt_text_excerpt(submit("abc\ndef")), "abc?def");
}

TEST(ReceiptBuilder, RegisteredDeliveryModes) {
  EXPECT_FALSE(wants_receipt(0, ReceiptOutcome::delivered));
  EXPECT_TRUE(wants_receipt(1, ReceiptOutcome::delivered));
  EXPECT_TRUE(wants_receipt(1, ReceiptOutcome::undeliverable));
  EXPECT_FALSE(wants_receipt(2, ReceiptOutcome::delivered));
  EXPECT_TRUE(wants_receipt(2, ReceiptOutcome::undeliverable));
  EXPECT_TRUE(wants_receipt(0x11, ReceiptOutcome::delivered));  // SME ack bits ignored
}

TEST(ReceiptBuilder, DateIsUtcMinutes) {
  EXPECT_EQ(receipt_date(kSubmitMs), "2311142213");
  EXPECT_EQ(receipt_date(kSubmitMs + 39'999), "2311142213");
  EXPECT_EQ(receipt_date(kSubmitMs + 40'000), "2311142214");
}

}  // namespace
}  // namespace diskret::smsc_sim
