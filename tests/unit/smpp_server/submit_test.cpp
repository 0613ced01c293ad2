#include "smpp_server/submit.hpp"

#include <gtest/gtest.h>

namespace diskret::smpp_server {
namespace {

using namespace std::chrono_literals;
const SystemTime kNow{std::chrono::seconds{1'700'000'000}};

smpp::SubmitSm plain(std::string text) {
  smpp::SubmitSm s;
  s.source_addr = "Shop";
  s.source_addr_ton = 5;
  s.destination_addr = "4915112345678";
  s.dest_addr_ton = 1;
  s.dest_addr_npi = 1;
  s.registered_delivery = 1;
  s.short_message = std::move(text);
  return s;
}

TEST(SmppSubmit, PlainSubmitBecomesOneMessage) {
  auto part = read_submit(plain("Hello"), kNow);
  ASSERT_TRUE(part);
  EXPECT_EQ(part->to, "+4915112345678");
  EXPECT_TRUE(part->wants_receipt);
  EXPECT_FALSE(part->concat);
  auto m = plan_submit(*part, part->text, tenancy::TenantSettings{});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->to, "+4915112345678");
  EXPECT_EQ(m->from, "Shop");
  EXPECT_EQ(m->text, "Hello");
  EXPECT_EQ(m->segments, 1);
}

TEST(SmppSubmit, RefusalsCarrySmppStatuses) {
  auto no_dest = plain("x");
  no_dest.destination_addr.clear();
  EXPECT_EQ(read_submit(no_dest, kNow).error(), smpp::Status::invalid_dest_addr);
  EXPECT_EQ(read_submit(plain(""), kNow).error(), smpp::Status::invalid_msg_length);
  auto bad_coding = plain("x");
  bad_coding.data_coding = 0x77;
  EXPECT_EQ(read_submit(bad_coding, kNow).error(), smpp::Status::invalid_msg_length);

  auto part = read_submit(plain("Hi"), kNow);
  ASSERT_TRUE(part);
  auto bad_number = *part;
  bad_number.to = "+49123";
  EXPECT_EQ(plan_submit(bad_number, "Hi", {}).error(), smpp::Status::invalid_dest_addr);
  auto foreign = *part;
  foreign.to = "+33612345678";  // FR, tenant allows DE only
  EXPECT_EQ(plan_submit(foreign, "Hi", {}).error(), smpp::Status::invalid_dest_addr);
  auto bad_sender = *part;
  bad_sender.from = "ThisSenderIsTooLong";
  EXPECT_EQ(plan_submit(bad_sender, "Hi", {}).error(), smpp::Status::invalid_source_addr);
  tenancy::TenantSettings one_segment;
  one_segment.max_segments = 1;
  EXPECT_EQ(plan_submit(*part, std::string(200, 'a'), one_segment).error(),
            smpp::Status::invalid_msg_length);
}

TEST(SmppSubmit, UdhAndSarPartsAreRecognised) {
  auto udh = plain(std::string("\x05\x00\x03\x2a\x02\x01", 6) + "first");
  udh.esm_class = smpp::esm::udhi;
  auto p = read_submit(udh, kNow);
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->concat);
  EXPECT_EQ(p->concat->reference, 0x2a);
  EXPECT_EQ(p->concat->total, 2);
  EXPECT_EQ(p->concat->number, 1);
  EXPECT_EQ(p->text, "first");

  auto sar = plain("second");
  sar.tlvs.sar_msg_ref_num = 9;
  sar.tlvs.sar_total_segments = 2;
  sar.tlvs.sar_segment_seqnum = 2;
  auto q = read_submit(sar, kNow);
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->concat);
  EXPECT_EQ(q->concat->number, 2);
  sar.tlvs.sar_segment_seqnum = 3;
  EXPECT_FALSE(read_submit(sar, kNow));
}

TEST(SmppSubmit, Ucs2AndPayloadDecode) {
  auto ucs2 = plain(std::string("\x00\xe4\x00\x21", 4));
  ucs2.data_coding = 8;
  auto p = read_submit(ucs2, kNow);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->text, "\xc3\xa4!");
  auto payload = plain("");
  payload.tlvs.message_payload = "from payload";
  auto q = read_submit(payload, kNow);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->text, "from payload");
}

TEST(SmppSubmit, SmppTimes) {
  auto rel = parse_smpp_time("000001020304000R", kNow);
  ASSERT_TRUE(rel);
  EXPECT_EQ(**rel, kNow + 24h + 2h + 3min + 4s);
  auto abs = parse_smpp_time("231114221320004+", kNow);  // UTC+1h
  ASSERT_TRUE(abs);
  EXPECT_EQ(**abs, kNow - 1h);
  EXPECT_FALSE(*parse_smpp_time("", kNow));
  EXPECT_FALSE(parse_smpp_time("2311142213200", kNow));
  EXPECT_FALSE(parse_smpp_time("231314221320000+", kNow));
  auto expiring = plain("x");
  expiring.validity_period = "000000010000000R";
  auto p = read_submit(expiring, kNow);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->expires_at, kNow + 1h);
}

}  // namespace
}  // namespace diskret::smpp_server
