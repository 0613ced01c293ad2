#include "http/security_txt.hpp"

#include <gtest/gtest.h>

namespace diskret::http {
namespace {

TEST(SecurityTxt, HasContactExpiresAndPolicyLines) {
  FakeClock clock;
  auto text = render_security_txt({{"mailto:security@example.com", "https://example.com/report"},
                                   "2027-06-30T00:00:00Z", "https://example.com/policy"},
                                  clock.now());
  EXPECT_EQ(text,
            "Contact: mailto:security@example.com\r\n"
            "Contact: https://example.com/report\r\n"
            "Expires: 2027-06-30T00:00:00Z\r\n"
            "Policy: https://example.com/policy\r\n"
            "Preferred-Languages: en, de\r\n");
}

TEST(SecurityTxt, ExpiresDefaultsToHalfAYearAhead) {
  FakeClock clock(SystemTime{std::chrono::seconds{1'700'000'000}});  // 2023-11-14T22:13:20Z
  auto text = render_security_txt({{"mailto:s@example.com"}, "", ""}, clock.now());
  EXPECT_NE(text.find("Expires: 2024-05-12T22:13:20Z\r\n"), std::string::npos) << text;
}

// Attack: a value with CR/LF must not add fields (e.g. a forged Contact or Canonical).
TEST(SecurityTxt, DropsValuesThatWouldInjectLines) {
  FakeClock clock;
  auto text = render_security_txt(
      {{"mailto:a@example.com\r\nContact: mailto:evil@example.com"}, "", ""}, clock.now());
  EXPECT_EQ(text, "") << "the only contact was unusable";
  text = render_security_txt({{"mailto:a@example.com"}, "2027-01-01T00:00:00Z\r\nCanonical: x",
                              "https://x\nContact: y"},
                             clock.now());
  EXPECT_EQ(text.find("Canonical"), std::string::npos);
  EXPECT_EQ(text.find("Contact: y"), std::string::npos);
  EXPECT_NE(text.find("Expires: "), std::string::npos);
}

TEST(SecurityTxt, HandlerAnswersTextOr404) {
  Response got;
  security_txt_handler("Contact: mailto:x@example.com\r\n")(Request{}, [&](Response&& r) { got = r; });
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.content_type, "text/plain; charset=utf-8");
  security_txt_handler("")(Request{}, [&](Response&& r) { got = r; });
  EXPECT_EQ(got.status, 404);
}

}  // namespace
}  // namespace diskret::http
