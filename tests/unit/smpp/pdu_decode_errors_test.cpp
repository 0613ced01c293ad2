// One test per class of malformed input: the decoder must answer with the status the
// peer should see, and never read outside the frame (ASan/fuzzing check the latter).
#include <gtest/gtest.h>

#include "smpp/pdu_codec.hpp"
#include "unit/smpp/golden.hpp"

namespace diskret::smpp {
namespace {

using test::bytes_of;
using test::golden;

// Patches command_length to the frame's real size after a test edits the body.
std::vector<std::uint8_t> fix_length(std::vector<std::uint8_t> f) {
  const auto n = static_cast<std::uint32_t>(f.size());
  f[0] = static_cast<std::uint8_t>(n >> 24);
  f[1] = static_cast<std::uint8_t>(n >> 16);
  f[2] = static_cast<std::uint8_t>(n >> 8);
  f[3] = static_cast<std::uint8_t>(n);
  return f;
}

Status status_of(const std::vector<std::uint8_t>& frame, std::size_t max = kDefaultMaxPduLength) {
  auto r = decode(frame, max);
  EXPECT_FALSE(r) << "decoded although malformed";
  return r ? Status::ok : r.error().status;
}

std::vector<std::uint8_t> submit_header() { return bytes_of("00000000 00000004 00000000 0000000c"); }
void append(std::vector<std::uint8_t>& f, std::string_view s) { f.insert(f.end(), s.begin(), s.end()); }

TEST(PduDecodeErrors, CommandLengthBelowHeader) {
  EXPECT_EQ(status_of(bytes_of("0000000c 00000015 00000000 00000001")), Status::invalid_command_length);
  EXPECT_EQ(status_of(bytes_of("0000000c 00000015 00000000")), Status::invalid_command_length);
}

TEST(PduDecodeErrors, CommandLengthAboveMax) {
  auto frame = golden("submit_sm_min.hex");
  auto r = decode(frame, 40);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, Status::invalid_command_length);
  EXPECT_EQ(r.error().sequence_number, 2u);
}

TEST(PduDecodeErrors, CommandLengthDisagreesWithFrame) {
  auto frame = golden("submit_sm_min.hex");
  frame.push_back(0);
  EXPECT_EQ(status_of(frame), Status::invalid_command_length);
}

TEST(PduDecodeErrors, UnknownCommandIdCarriesIdAndSequenceForTheNack) {
  auto r = decode(bytes_of("00000010 00000103 00000000 0000abcd"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, Status::invalid_command_id);
  EXPECT_EQ(r.error().command_id, 0x103u);
  EXPECT_EQ(r.error().sequence_number, 0xabcdu);
}

TEST(PduDecodeErrors, SystemIdUnterminatedWithinItsMax) {
  auto f = bytes_of("00000000 00000002 00000000 00000001");
  append(f, std::string(20, 'S'));
  f.insert(f.end(), {0, 'p', 0, 0, 0x34, 0, 0, 0});
  EXPECT_EQ(status_of(fix_length(f)), Status::invalid_system_id);
}

TEST(PduDecodeErrors, PasswordTooLong) {
  auto f = bytes_of("00000000 00000009 00000000 00000001");
  append(f, std::string("esme\0", 5));
  append(f, std::string("longpassword\0", 13));
  f.insert(f.end(), {0, 0x34, 0, 0, 0});
  EXPECT_EQ(status_of(fix_length(f)), Status::invalid_password);
}

TEST(PduDecodeErrors, SourceAddrRunsPastThePdu) {
  auto f = submit_header();
  f.insert(f.end(), {0, 1, 1});
  append(f, "4477009");  // no NUL before the frame ends
  EXPECT_EQ(status_of(fix_length(f)), Status::invalid_source_addr);
}

TEST(PduDecodeErrors, DestinationAddrUnterminatedWithin21) {
  auto f = submit_header();
  f.insert(f.end(), {0, 1, 1, 0, 1, 1});
  append(f, std::string(30, '4'));
  f.push_back(0);
  EXPECT_EQ(status_of(fix_length(f)), Status::invalid_dest_addr);
}

std::vector<std::uint8_t> submit_until_sm_length(std::uint8_t sm_length) {
  auto f = submit_header();
  f.insert(f.end(), {0, 1, 1, '1', 0, 1, 1, '2', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, sm_length});
  return f;
}

TEST(PduDecodeErrors, SmLengthLargerThanRemainingBytes) {
  auto f = submit_until_sm_length(10);
  append(f, "Hello");
  EXPECT_EQ(status_of(fix_length(f)), Status::invalid_msg_length);
}

TEST(PduDecodeErrors, SmLengthAbove254) {
  auto f = submit_until_sm_length(255);
  append(f, std::string(255, 'x'));
  EXPECT_EQ(status_of(fix_length(f)), Status::invalid_msg_length);
}

TEST(PduDecodeErrors, TlvLengthRunsPastThePdu) {
  auto f = submit_until_sm_length(0);
  f.insert(f.end(), {0x04, 0x24, 0x00, 0x10, 'a', 'b'});  // message_payload claims 16
  EXPECT_EQ(status_of(fix_length(f)), Status::invalid_optional_param_length);
}

TEST(PduDecodeErrors, KnownTlvWithWrongLength) {
  auto f = submit_until_sm_length(0);
  f.insert(f.end(), {0x04, 0x27, 0x00, 0x02, 0x02, 0x00});  // message_state is one octet
  EXPECT_EQ(status_of(fix_length(f)), Status::invalid_optional_param_length);
}

TEST(PduDecodeErrors, TrailingGarbageThatIsNotATlv) {
  auto f = submit_until_sm_length(0);
  f.insert(f.end(), {0x01, 0x02, 0x03});
  EXPECT_EQ(status_of(fix_length(f)), Status::invalid_command_length);
  auto g = golden("enquire_link.hex");
  g.push_back(0xff);
  EXPECT_EQ(status_of(fix_length(g)), Status::invalid_command_length);
}

TEST(PduDecodeErrors, TruncatedMandatoryOctets) {
  auto f = submit_header();
  f.insert(f.end(), {0, 1});  // ends before source_addr_npi
  EXPECT_EQ(status_of(fix_length(f)), Status::invalid_command_length);
}

TEST(PduDecodeErrors, MessageIdUnterminatedWithinItsMaxIsRefused) {
  auto f = bytes_of("00000000 80000004 00000000 00000001");
  append(f, std::string(70, '7'));
  EXPECT_EQ(status_of(fix_length(f)), Status::invalid_command_length);
}

TEST(PduDecodeErrors, ErrorResponsesWithoutBodyDecode) {
  for (auto hex : {"00000010 80000004 00000045 00000001", "00000010 80000001 0000000d 00000001",
                   "00000010 80000009 0000000f 00000001", "00000010 80000005 00000000 00000001"}) {
    auto r = decode(bytes_of(hex));
    EXPECT_TRUE(r) << hex << ": " << r.error().detail;
  }
}

TEST(PduDecodeErrors, RequestsWithoutBodyAreRefused) {
  EXPECT_EQ(status_of(bytes_of("00000010 00000004 00000000 00000001")), Status::invalid_service_type);
  EXPECT_EQ(status_of(bytes_of("00000010 00000002 00000000 00000001")), Status::invalid_system_id);
}

}  // namespace
}  // namespace diskret::smpp
