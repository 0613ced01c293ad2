#include "carrier/inbound_reader.hpp"

#include <gtest/gtest.h>

namespace diskret::carrier {
namespace {

using Kind = DeliverEvent::Kind;
const auto kNow = std::chrono::steady_clock::time_point{} + std::chrono::hours{1};

smpp::DeliverSm mo(std::string text, std::uint8_t data_coding = 0) {
  smpp::DeliverSm d;
  d.source_addr = "4915112345678";
  d.destination_addr = "12345";
  d.data_coding = data_coding;
  d.short_message = std::move(text);
  return d;
}

TEST(InboundReader, ReadsReceipt) {
  smpp::DeliveryReceipt r;
  r.id = "1700000000000000001";
  r.state = smpp::ReceiptState::delivered;
  r.submitted = 1;
  r.delivered = 1;
  r.submit_date = "2401010000";
  r.done_date = "2401010001";
  r.error = "000";
  InboundReader reader;
  auto ev = reader.read(smpp::make_receipt_pdu(r, "4915112345678", "Diskret"), kNow);
  ASSERT_EQ(ev.kind, Kind::receipt);
  EXPECT_EQ(ev.receipt.id, r.id);
  EXPECT_EQ(ev.receipt.state, smpp::ReceiptState::delivered);
}

TEST(InboundReader, UnreadableReceiptIsReportedAsSuch) {
  auto d = mo("this is no receipt");
  d.esm_class = smpp::esm::delivery_receipt;
  InboundReader reader;
  EXPECT_EQ(reader.read(d, kNow).kind, Kind::unreadable_receipt);
}

TEST(InboundReader, SingleGsmText) {
  InboundReader reader;
  auto ev = reader.read(mo("STOP"), kNow);
  ASSERT_EQ(ev.kind, Kind::inbound);
  EXPECT_EQ(ev.text, "STOP");
  EXPECT_EQ(ev.from, "4915112345678");
  EXPECT_EQ(ev.to, "12345");
}

TEST(InboundReader, Ucs2Text) {
  InboundReader reader;
  // "Grüße" as UTF-16BE
  const std::string ucs2("\x00G\x00r\x00\xfc\x00\xdf\x00" "e", 10);
  auto ev = reader.read(mo(ucs2, 0x08), kNow);
  ASSERT_EQ(ev.kind, Kind::inbound);
  EXPECT_EQ(ev.text, "Grüße");
}

TEST(InboundReader, ReassemblesUdhPartsInAnyOrder) {
  InboundReader reader;
  auto part = [](char n, std::string text) {
    auto d = mo(std::string("\x05\x00\x03\x2a\x02", 5) + n + text);
    d.esm_class = smpp::esm::udhi;
    return d;
  };
  EXPECT_EQ(reader.read(part('\x02', " world"), kNow).kind, Kind::partial);
  EXPECT_EQ(reader.pending(), 1u);
  auto ev = reader.read(part('\x01', "hello"), kNow);
  ASSERT_EQ(ev.kind, Kind::inbound);
  EXPECT_EQ(ev.text, "hello world");
  EXPECT_EQ(reader.pending(), 0u);
}

TEST(InboundReader, ReassemblesSarTlvParts) {
  InboundReader reader;
  auto part = [](std::uint8_t n, std::string text) {
    auto d = mo(std::move(text));
    d.tlvs.sar_msg_ref_num = 77;
    d.tlvs.sar_total_segments = 2;
    d.tlvs.sar_segment_seqnum = n;
    return d;
  };
  EXPECT_EQ(reader.read(part(1, "abc"), kNow).kind, Kind::partial);
  auto ev = reader.read(part(2, "def"), kNow);
  ASSERT_EQ(ev.kind, Kind::inbound);
  EXPECT_EQ(ev.text, "abcdef");
}

TEST(InboundReader, PartsFromDifferentSendersDoNotMix) {
  InboundReader reader;
  auto part = [](std::string from, char n, std::string text) {
    auto d = mo(std::string("\x05\x00\x03\x01\x02", 5) + n + text);
    d.esm_class = smpp::esm::udhi;
    d.source_addr = std::move(from);
    return d;
  };
  EXPECT_EQ(reader.read(part("491", '\x01', "A"), kNow).kind, Kind::partial);
  EXPECT_EQ(reader.read(part("492", '\x02', "B"), kNow).kind, Kind::partial);
  EXPECT_EQ(reader.pending(), 2u);
}

TEST(InboundReader, MessagePayloadIsUsedWhenShortMessageIsEmpty) {
  InboundReader reader;
  auto d = mo("");
  d.tlvs.message_payload = std::string(300, 'x');
  auto ev = reader.read(d, kNow);
  ASSERT_EQ(ev.kind, Kind::inbound);
  EXPECT_EQ(ev.text, std::string(300, 'x'));
}

TEST(InboundReader, UnsupportedCodingIsUnreadable) {
  InboundReader reader;
  EXPECT_EQ(reader.read(mo("\x01\x02", 0x04), kNow).kind, Kind::unreadable_text);
}

}  // namespace
}  // namespace diskret::carrier
