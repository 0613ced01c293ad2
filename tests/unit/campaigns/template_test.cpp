#include "campaigns/template.hpp"

#include <gtest/gtest.h>

namespace diskret::campaigns {
namespace {

Personal erika() {
  return Personal{"Erika", "Mustermann", {{"city", "Köln"}, {"code", "SOMMER24"}}};
}

TEST(Template, FillsNamesAndCustomFields) {
  auto t = Template::parse("Hallo {{first_name}} {{last_name}}, Ihr Code: {{fields.code}} ({{ fields.city }})");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->render(erika()), "Hallo Erika Mustermann, Ihr Code: SOMMER24 (Köln)");
  EXPECT_EQ(t->placeholders().size(), 4u);
}

TEST(Template, UsesTheDefaultForMissingOrEmptyValues) {
  auto t = Template::parse("Liebe(r) {{first_name|Kundin/Kunde}}, {{fields.city|Ihre Stadt}} {{fields.none}}!");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->render(Personal{}), "Liebe(r) Kundin/Kunde, Ihre Stadt !");
  EXPECT_EQ(t->render(Personal{"  ", "", {{"city", ""}}}), "Liebe(r) Kundin/Kunde, Ihre Stadt !");
  EXPECT_EQ(t->render(erika()), "Liebe(r) Erika, Köln !");
}

TEST(Template, PlainTextWithoutPlaceholdersIsKeptAsItIs) {
  auto t = Template::parse("Sale <b>today</b> & } { }} only");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->render(erika()), "Sale <b>today</b> & } { }} only");  // no HTML escaping
}

TEST(Template, RefusesUnknownPlaceholders) {
  for (const char* text : {"Hi {{name}}", "Hi {{fields.}}", "Hi {{fields.a b}}", "Hi {{}}",
                           "Hi {{phone}}", "Hi {{FIRST_NAME}}"}) {
    auto t = Template::parse(text);
    ASSERT_FALSE(t) << text;
    EXPECT_NE(t.error().message().find("unknown placeholder"), std::string::npos)
        << t.error().message();
  }
}

TEST(Template, RefusesUnclosedBracesEmptyTextAndBracesInDefaults) {
  EXPECT_FALSE(Template::parse("Hi {{first_name"));
  EXPECT_FALSE(Template::parse(""));
  EXPECT_FALSE(Template::parse("   "));
  EXPECT_FALSE(Template::parse("Hi {{first_name|{x}}"));
  EXPECT_FALSE(Template::parse(std::string(kMaxTemplateLength + 1, 'a')));
}

TEST(Template, ContactDataCannotInjectPlaceholders) {
  auto t = Template::parse("Hi {{first_name}}, code {{fields.code|none}}");
  ASSERT_TRUE(t);
  Personal p{"{{fields.code}}", "", {{"code", "{{first_name}}"}}};
  EXPECT_EQ(t->render(p), "Hi {{fields.code}}, code {{first_name}}");
}

TEST(Template, FieldNamesAreExact) {
  auto t = Template::parse("{{fields.City|x}}");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->render(erika()), "x");
}

}  // namespace
}  // namespace diskret::campaigns
