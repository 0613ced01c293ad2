#include "core/hex.hpp"

#include <gtest/gtest.h>

namespace diskret {
namespace {

TEST(Hex, RoundTrips) {
  std::vector<std::uint8_t> bytes{0x00, 0x7f, 0x80, 0xff};
  EXPECT_EQ(to_hex(bytes), "007f80ff");
  EXPECT_EQ(from_hex("00 7F 80 ff").value(), bytes);
}

TEST(Hex, RejectsOddLengthAndNonHex) {
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
}

TEST(Error, MessageFallsBackToCategory) {
  Error e{make_error_code(Errc::not_found)};
  EXPECT_EQ(e.message(), "not found");
  Error d{make_error_code(Errc::not_found), "no such message"};
  EXPECT_EQ(d.message(), "no such message");
}

}  // namespace
}  // namespace diskret
