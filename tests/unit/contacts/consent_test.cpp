#include "contacts/consent.hpp"

#include <gtest/gtest.h>

#include "contacts/errc.hpp"
#include "contacts/timestamp.hpp"

namespace diskret::contacts {
namespace {

using namespace std::chrono_literals;

SystemTime at(const char* text) { return *parse_timestamp(text); }

Consent web_form() {
  Consent c;
  c.source = ConsentSource::web_form;
  c.wording =
      "Ja, ich m\xC3\xB6"
      "chte Angebote per SMS erhalten.";
  c.obtained_at = at("2024-03-01T10:00:00Z");
  return c;
}

std::vector<std::string> fields(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field);
  return out;
}

TEST(Consent, SourcesParseInCommonSpellings) {
  EXPECT_EQ(parse_consent_source("web_form"), ConsentSource::web_form);
  EXPECT_EQ(parse_consent_source(" Web-Form "), ConsentSource::web_form);
  EXPECT_EQ(parse_consent_source("SMS keyword"), ConsentSource::sms_keyword);
  EXPECT_EQ(parse_consent_source("paper"), ConsentSource::paper);
  EXPECT_EQ(parse_consent_source("import"), ConsentSource::import);
  EXPECT_EQ(parse_consent_source("api"), ConsentSource::api);
  EXPECT_FALSE(parse_consent_source("email"));
  EXPECT_FALSE(parse_consent_source(""));
  EXPECT_STREQ(consent_source_name(ConsentSource::sms_keyword), "sms_keyword");
}

TEST(Consent, CompleteRecordValidates) {
  EXPECT_TRUE(validate_consent(web_form(), at("2025-01-01T00:00:00Z")).empty());
}

TEST(Consent, ValidationNamesEveryBadField) {
  Consent c;
  c.purpose = "newsletter";
  EXPECT_EQ(
      fields(validate_consent(c, at("2025-01-01T00:00:00Z"))),
      (std::vector<std::string>{"consent.purpose", "consent.wording", "consent.obtained_at"}));
  c = web_form();
  c.obtained_at = at("2026-01-01T00:00:00Z");
  EXPECT_EQ(fields(validate_consent(c, at("2025-01-01T00:00:00Z"), "")),
            (std::vector<std::string>{"obtained_at"}));
  c = web_form();
  c.wording = "   ";
  EXPECT_EQ(fields(validate_consent(c, at("2025-01-01T00:00:00Z"))),
            (std::vector<std::string>{"consent.wording"}));
  c.wording = std::string(kMaxWordingBytes + 1, 'w');
  EXPECT_EQ(fields(validate_consent(c, at("2025-01-01T00:00:00Z"))),
            (std::vector<std::string>{"consent.wording"}));
  c = web_form();
  c.double_opt_in_confirmed_at = at("2024-02-01T00:00:00Z");
  EXPECT_EQ(fields(validate_consent(c, at("2025-01-01T00:00:00Z"))),
            (std::vector<std::string>{"consent.confirmed_at"}));
}

TEST(Consent, MarketingRule) {
  EXPECT_EQ(marketing_consent(std::nullopt), ConsentState::none);
  EXPECT_TRUE(allows_marketing(web_form()));

  Consent other = web_form();
  other.purpose = "surveys";
  EXPECT_EQ(marketing_consent(other), ConsentState::none);

  Consent withdrawn = web_form();
  withdrawn.withdrawn_at = at("2024-04-01T00:00:00Z");
  EXPECT_EQ(marketing_consent(withdrawn), ConsentState::withdrawn);

  Consent no_time = web_form();
  no_time.obtained_at.reset();
  EXPECT_EQ(marketing_consent(no_time), ConsentState::none);

  Consent pending = web_form();
  pending.double_opt_in_requested_at = at("2024-03-01T10:00:00Z");
  EXPECT_EQ(marketing_consent(pending), ConsentState::awaiting_confirmation);
  pending.double_opt_in_confirmed_at = at("2024-03-01T09:00:00Z");  // before the request
  EXPECT_EQ(marketing_consent(pending), ConsentState::awaiting_confirmation);
  pending.double_opt_in_confirmed_at = at("2024-03-01T10:05:00Z");
  EXPECT_EQ(marketing_consent(pending), ConsentState::granted);
}

TEST(DoubleOptIn, StartsPendingAndIsNotSendable) {
  const auto now = at("2024-05-01T12:00:00Z");
  const Consent c = start_double_opt_in("Antworte JA, um Angebote per SMS zu erhalten.", now);
  EXPECT_EQ(c.purpose, "marketing");
  EXPECT_EQ(c.source, ConsentSource::sms_keyword);
  EXPECT_EQ(c.double_opt_in_requested_at, now);
  EXPECT_FALSE(c.obtained_at);
  EXPECT_EQ(marketing_consent(c), ConsentState::awaiting_confirmation);
  EXPECT_TRUE(validate_consent(c, now).empty());  // a pending record is complete
}

TEST(DoubleOptIn, YesConfirmsAndMakesSendable) {
  const auto now = at("2024-05-01T12:00:00Z");
  const Consent pending = start_double_opt_in("Antworte JA", now);
  const DoubleOptInSettings settings;
  auto confirmed = confirm_double_opt_in(pending, now + 5min, settings);
  ASSERT_TRUE(confirmed);
  EXPECT_EQ(confirmed->double_opt_in_confirmed_at, now + 5min);
  EXPECT_EQ(confirmed->obtained_at, now + 5min);
  EXPECT_TRUE(allows_marketing(*confirmed));
  EXPECT_TRUE(validate_consent(*confirmed, now + 5min).empty());
  // A second YES changes nothing.
  auto again = confirm_double_opt_in(*confirmed, now + 10min, settings);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::not_pending);
}

TEST(DoubleOptIn, LateReplyExpires) {
  const auto now = at("2024-05-01T12:00:00Z");
  DoubleOptInSettings settings;
  settings.validity = std::chrono::hours{24};
  auto r = confirm_double_opt_in(start_double_opt_in("JA?", now), now + 25h, settings);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::confirmation_expired);
  EXPECT_FALSE(confirm_double_opt_in(web_form(), now, settings));  // nothing pending
}

TEST(DoubleOptIn, ConfirmationKeywords) {
  DoubleOptInSettings s;
  EXPECT_TRUE(is_confirmation_reply("JA", s));
  EXPECT_TRUE(is_confirmation_reply(" ja! ", s));
  EXPECT_TRUE(is_confirmation_reply("Yes.", s));
  EXPECT_FALSE(is_confirmation_reply("ja bitte nicht", s));
  EXPECT_FALSE(is_confirmation_reply("", s));
  EXPECT_FALSE(is_confirmation_reply("!!", s));
  s.confirm_keywords = {"OUI"};
  EXPECT_TRUE(is_confirmation_reply("oui", s));
  EXPECT_FALSE(is_confirmation_reply("JA", s));
}

}  // namespace
}  // namespace diskret::contacts
