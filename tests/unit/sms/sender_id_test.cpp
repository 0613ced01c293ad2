#include "sms/sender_id.hpp"

#include <gtest/gtest.h>

namespace diskret::sms {
namespace {

SenderId ok(std::string_view text) {
  auto r = SenderId::parse(text);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
  return r.value_or(SenderId{});
}

Errc err(std::string_view text) {
  auto r = SenderId::parse(text);
  EXPECT_FALSE(r.has_value()) << "accepted";
  if (r) return Errc::ok;
  EXPECT_FALSE(r.error().detail.empty());
  return static_cast<Errc>(r.error().code.value());
}

TEST(SenderId, AlphanumericUpToElevenGsmCharacters) {
  const auto s = ok("Diskret");
  EXPECT_EQ(s.kind, SenderKind::alphanumeric);
  EXPECT_EQ(s.value, "Diskret");
  EXPECT_EQ(s.ton, 5);
  EXPECT_EQ(s.npi, 0);
  EXPECT_EQ(s.display(), "Diskret");
  EXPECT_EQ(ok("ABCDEFGHIJK").value, "ABCDEFGHIJK");
  EXPECT_EQ(ok("Müller&Söhn").kind, SenderKind::alphanumeric);  // 11 characters, 13 bytes
  EXPECT_EQ(ok("Shop 24").kind, SenderKind::alphanumeric);
  EXPECT_EQ(ok("1A").kind, SenderKind::alphanumeric);
}

TEST(SenderId, AlphanumericLimits) {
  EXPECT_EQ(err("ABCDEFGHIJKL"), Errc::sender_too_long);
  EXPECT_EQ(err("Müller&Söhne"), Errc::sender_too_long);
  EXPECT_EQ(ok("Straße").value, "Straße");  // ß is in the default alphabet
}

TEST(SenderId, AlphanumericOutsideGsmIsUnencodable) {
  EXPECT_EQ(err("Shop€"), Errc::unencodable_sender);   // extension table, two septets
  EXPECT_EQ(err("Shop[1]"), Errc::unencodable_sender);
  EXPECT_EQ(err("Ювелир"), Errc::unencodable_sender);
  EXPECT_EQ(err("Caféç"), Errc::unencodable_sender);
  EXPECT_EQ(err("Shop😀"), Errc::unencodable_sender);
}

TEST(SenderId, AlphanumericShapeErrors) {
  EXPECT_EQ(err(""), Errc::invalid_sender);
  EXPECT_EQ(err(" Shop"), Errc::invalid_sender);
  EXPECT_EQ(err("Shop "), Errc::invalid_sender);
  EXPECT_EQ(err("Sh\nop"), Errc::invalid_sender);
  EXPECT_EQ(err("Shop\xC3"), Errc::invalid_sender);
}

TEST(SenderId, ShortCodes) {
  const auto s = ok("12345");
  EXPECT_EQ(s.kind, SenderKind::short_code);
  EXPECT_EQ(s.ton, 3);
  EXPECT_EQ(s.npi, 0);
  EXPECT_EQ(s.display(), "12345");
  EXPECT_EQ(ok("123").kind, SenderKind::short_code);
  EXPECT_EQ(ok("12345678").kind, SenderKind::short_code);
  EXPECT_EQ(err("12"), Errc::invalid_sender);
  EXPECT_EQ(err("123456789"), Errc::invalid_sender);
  EXPECT_EQ(err("4915112345678"), Errc::invalid_sender);
}

TEST(SenderId, InternationalNumbers) {
  const auto s = ok("+4915112345678");
  EXPECT_EQ(s.kind, SenderKind::international);
  EXPECT_EQ(s.value, "4915112345678");
  EXPECT_EQ(s.ton, 1);
  EXPECT_EQ(s.npi, 1);
  EXPECT_EQ(s.display(), "+4915112345678");
  EXPECT_EQ(ok("+12345678").value, "12345678");
  EXPECT_EQ(ok("+123456789012345").value, "123456789012345");
  EXPECT_EQ(err("+1234567"), Errc::invalid_sender);
  EXPECT_EQ(err("+1234567890123456"), Errc::invalid_sender);
  EXPECT_EQ(err("+0491511234567"), Errc::invalid_sender);
  EXPECT_EQ(err("+49 151 1234567"), Errc::invalid_sender);
  EXPECT_EQ(err("+"), Errc::invalid_sender);
  EXPECT_EQ(err("+Shop"), Errc::invalid_sender);
}

TEST(SenderId, LooselyWrittenPhoneNumbersAreInvalid) {
  EXPECT_EQ(err("0151 1234567"), Errc::invalid_sender);
  EXPECT_EQ(err("(030) 1234-56"), Errc::invalid_sender);
  auto r = SenderId::parse("0151 1234567");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().detail.find("phone number"), std::string::npos);
}

TEST(SenderId, ComparesByValue) {
  EXPECT_EQ(ok("Diskret"), ok("Diskret"));
  EXPECT_NE(ok("Diskret"), ok("12345"));
}

}  // namespace
}  // namespace diskret::sms
