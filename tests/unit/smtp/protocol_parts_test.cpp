// Command-line parsing and SASL helpers of the SMTP session.
#include <gtest/gtest.h>

#include "smtp/command.hpp"
#include "smtp/sasl.hpp"

namespace diskret::smtp {
namespace {

TEST(Command, SplitsVerbAndArgument) {
  auto c = split_command("  mail   FROM:<a@b> SIZE=10  ");
  EXPECT_EQ(c.verb, "MAIL");
  EXPECT_EQ(c.arg, "FROM:<a@b> SIZE=10");
  EXPECT_EQ(split_command("QUIT").arg, "");
}

TEST(Command, ParsesPathsAndParameters) {
  auto p = parse_path_argument("FROM:<a@b.example> size=100 BODY=8BITMIME", "FROM");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->address, "a@b.example");
  ASSERT_EQ(p->params.size(), 2u);
  EXPECT_EQ(p->params[0], (std::pair<std::string, std::string>{"SIZE", "100"}));
  EXPECT_EQ(p->params[1].second, "8BITMIME");

  EXPECT_EQ(parse_path_argument("from: <>", "FROM")->address, "");
  EXPECT_EQ(parse_path_argument("TO:<@relay.example:+49151@sms.x>", "TO")->address, "+49151@sms.x");
  EXPECT_EQ(parse_path_argument("TO:<\"a>b\"@x>", "TO")->address, "\"a>b\"@x");
  EXPECT_EQ(parse_path_argument("TO:plain@x", "TO")->address, "plain@x");
  EXPECT_FALSE(parse_path_argument("TO:<a@b", "TO"));
  EXPECT_FALSE(parse_path_argument("TO:<a@b>junk", "TO"));
  EXPECT_FALSE(parse_path_argument("TO <a@b>", "TO"));
  EXPECT_FALSE(parse_path_argument("FROM:<a@b>", "TO"));
  EXPECT_FALSE(parse_path_argument("TO:", "TO"));
  EXPECT_FALSE(parse_path_argument("TO:<a<b@c>", "TO"));
}

TEST(Sasl, DecodesAndEncodesBase64) {
  // RFC 4648 section 10 test vectors.
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded).value(), plain);
  }
  EXPECT_FALSE(base64_decode("Zg="));
  EXPECT_FALSE(base64_decode("Z==="));
  EXPECT_FALSE(base64_decode("Zg==Zg=="));
  EXPECT_FALSE(base64_decode("Zm9v YmFy"));
  EXPECT_FALSE(base64_decode("Zm=v"));
}

TEST(Sasl, ParsesPlainMessages) {
  using namespace std::string_literals;
  auto c = parse_plain("\0tn_a\0secret"s);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "tn_a");
  EXPECT_EQ(c->password, "secret");
  EXPECT_TRUE(parse_plain("tn_a\0tn_a\0secret"s));
  EXPECT_FALSE(parse_plain("tn_b\0tn_a\0secret"s));  // acting as another tenant
  EXPECT_FALSE(parse_plain("\0tn_a\0"s));
  EXPECT_FALSE(parse_plain("\0\0secret"s));
  EXPECT_FALSE(parse_plain("tn_a secret"s));
  EXPECT_FALSE(parse_plain("\0tn_a\0sec\0ret"s));
}

}  // namespace
}  // namespace diskret::smtp
