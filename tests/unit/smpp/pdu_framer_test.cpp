#include <gtest/gtest.h>

#include "smpp/pdu_codec.hpp"
#include "unit/smpp/golden.hpp"
#include "unit/smpp/samples.hpp"

namespace diskret::smpp {
namespace {

using test::bytes_of;

std::vector<std::uint8_t> stream_of_every_pdu() {
  std::vector<std::uint8_t> stream;
  for (const auto& pdu : test::every_pdu_type()) encode_to(pdu, stream);
  return stream;
}

TEST(PduFramer, AcceptsOneByteAtATime) {
  const auto stream = stream_of_every_pdu();
  const auto expected = test::every_pdu_type();
  PduFramer framer;
  std::vector<Pdu> got;
  for (auto byte : stream) {
    framer.feed(std::span(&byte, 1));
    auto frame = framer.next();
    ASSERT_TRUE(frame) << frame.error().detail;
    if (!*frame) continue;
    auto pdu = decode(**frame);
    ASSERT_TRUE(pdu) << pdu.error().detail;
    got.push_back(*pdu);
    auto again = framer.next();
    ASSERT_TRUE(again && !*again) << "one byte completes at most one frame";
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(framer.buffered(), 0u);
}

TEST(PduFramer, SplitsManyPdusFedAtOnce) {
  const auto stream = stream_of_every_pdu();
  PduFramer framer;
  framer.feed(stream);
  std::size_t frames = 0;
  std::size_t octets = 0;
  for (;;) {
    auto frame = framer.next();
    ASSERT_TRUE(frame);
    if (!*frame) break;
    ++frames;
    octets += (*frame)->size();
  }
  EXPECT_EQ(frames, test::every_pdu_type().size());
  EXPECT_EQ(octets, stream.size());
}

TEST(PduFramer, KeepsPartialFrameAcrossFeeds) {
  const auto frame = test::golden("submit_sm_min.hex");
  PduFramer framer;
  framer.feed(std::span(frame).first(20));
  auto none = framer.next();
  ASSERT_TRUE(none && !*none);
  EXPECT_EQ(framer.buffered(), 20u);
  framer.feed(std::span(frame).subspan(20));
  auto got = framer.next();
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(**got, frame);
}

TEST(PduFramer, RejectsShortCommandLengthAsSoonAsItIsKnown) {
  PduFramer framer;
  framer.feed(bytes_of("0000000f"));
  auto r = framer.next();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, Status::invalid_command_length);
}

TEST(PduFramer, RejectsOversizedCommandLengthWithoutWaitingForTheBody) {
  PduFramer framer(1024);
  framer.feed(bytes_of("00000401 00000004 00000000 00000007"));
  auto r = framer.next();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, Status::invalid_command_length);
  EXPECT_EQ(r.error().command_id, 4u);
  EXPECT_EQ(r.error().sequence_number, 7u);
}

TEST(PduFramer, AcceptsFrameOfExactlyMaxLength) {
  SubmitSm sm;
  sm.tlvs.message_payload = std::string(100, 'x');
  const auto bytes = encode(Pdu{0, 1, sm});
  PduFramer framer(bytes.size());
  framer.feed(bytes);
  auto r = framer.next();
  ASSERT_TRUE(r && *r);
  EXPECT_TRUE(decode(**r, bytes.size()));
}

TEST(PduFramer, CompactsAfterLongStreams) {
  const auto one = test::golden("enquire_link.hex");
  PduFramer framer;
  for (int i = 0; i < 10000; ++i) {
    framer.feed(std::span(one).first(5));
    framer.feed(std::span(one).subspan(5));
    auto r = framer.next();
    ASSERT_TRUE(r && *r);
  }
  EXPECT_EQ(framer.buffered(), 0u);
}

}  // namespace
}  // namespace diskret::smpp
