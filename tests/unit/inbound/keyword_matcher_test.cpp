#include "inbound/keyword_matcher.hpp"

#include <gtest/gtest.h>

namespace diskret::inbound {
namespace {

std::optional<KeywordKind> kind_of(std::string_view text) {
  auto m = KeywordMatcher::standard().match(text);
  if (!m) return std::nullopt;
  return m->kind;
}

TEST(KeywordNormalizer, TrimsCollapsesAndFolds) {
  EXPECT_EQ(normalize_keyword_text("  Stopp  "), "stopp");
  EXPECT_EQ(normalize_keyword_text("STOP\t\r\n ALL"), "stop all");
  EXPECT_EQ(normalize_keyword_text("\xC3\x9C"
                                   "BER \xC3\x84RGER \xC3\x96L"),  // ÜBER ÄRGER ÖL
            "\xC3\xBC"
            "ber \xC3\xA4rger \xC3\xB6l");
  EXPECT_EQ(normalize_keyword_text("STRA\xE1\xBA\x9E"
                                   "E"),
            "strasse");  // STRAẞE
  EXPECT_EQ(normalize_keyword_text("Stra\xC3\x9F"
                                   "e"),
            "strasse");  // Straße
}

TEST(KeywordNormalizer, StripsTrailingPunctuationAndSpacesBetween) {
  EXPECT_EQ(normalize_keyword_text("Stop!"), "stop");
  EXPECT_EQ(normalize_keyword_text("stop . ! "), "stop");
  EXPECT_EQ(normalize_keyword_text("STOP\xE2\x80\xA6"), "stop");  // STOP…
  EXPECT_EQ(normalize_keyword_text("\"stop\""), "stop");
  EXPECT_EQ(normalize_keyword_text("\xE2\x80\x9E"
                                   "Stopp\xE2\x80\x9C"),
            "stopp");                                            // „Stopp“
  EXPECT_EQ(normalize_keyword_text("stop (now)"), "stop (now");  // inner text stays
  EXPECT_EQ(normalize_keyword_text("..."), "");
}

TEST(KeywordNormalizer, TreatsUnicodeSpacesAsWhiteSpace) {
  EXPECT_EQ(normalize_keyword_text("\xC2\xA0STOP\xE2\x80\x8B"), "stop");  // NBSP, ZWSP
  EXPECT_EQ(normalize_keyword_text("\xEF\xBB\xBFstop"), "stop");          // BOM
}

TEST(KeywordNormalizer, InvalidUtf8NeverFoldsIntoAKeyword) {
  EXPECT_EQ(normalize_keyword_text("st\xFFop"), "st\xEF\xBF\xBDop");
  EXPECT_FALSE(kind_of("st\xFFop"));
  EXPECT_FALSE(kind_of("\xC1\x93top"));  // overlong 'S'
}

TEST(KeywordMatcher, MatchesDefaultStopKeywordsInAnyCaseAndSpacing) {
  for (const char* text : {"STOP", "Stopp ", " stop", "ABMELDEN", "abbestellen.", "Unsubscribe",
                           "cancel", "END", "Quit!", "sToPp\n"}) {
    EXPECT_EQ(kind_of(text), KeywordKind::stop) << text;
  }
}

TEST(KeywordMatcher, MatchesStartHelpAndConfirm) {
  EXPECT_EQ(kind_of("Start"), KeywordKind::start);
  EXPECT_EQ(kind_of("anmelden "), KeywordKind::start);
  EXPECT_EQ(kind_of("HILFE?"), KeywordKind::help);
  EXPECT_EQ(kind_of("help"), KeywordKind::help);
  EXPECT_EQ(kind_of("Ja!"), KeywordKind::confirm);
}

TEST(KeywordMatcher, OnlyTheWholeTextIsAKeyword) {
  EXPECT_FALSE(kind_of("Please stop"));
  EXPECT_FALSE(kind_of("STOP STOP"));
  EXPECT_FALSE(kind_of("stopping"));
  EXPECT_FALSE(kind_of(""));
  EXPECT_FALSE(kind_of(std::string(300, ' ') + "STOP"));  // too long to be a keyword
}

TEST(KeywordMatcher, ReportsTheKeywordAsConfigured) {
  auto m = KeywordMatcher::standard().match("stopp");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->keyword, "STOPP");
}

TEST(KeywordMatcher, TenantListsReplaceTheDefaults) {
  KeywordLists lists;
  lists.stop = {"Austragen", "L\xC3\xB6schen"};  // Löschen
  lists.help = {"INFO"};
  auto m = KeywordMatcher::create(lists);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->match("L\xC3\x96SCHEN")->kind, KeywordKind::stop);  // LÖSCHEN
  EXPECT_EQ(m->match("austragen")->kind, KeywordKind::stop);
  EXPECT_EQ(m->match("Info")->kind, KeywordKind::help);
  EXPECT_FALSE(m->match("STOP"));
}

TEST(KeywordMatcher, RefusesInvalidConfiguration) {
  KeywordLists no_stop;
  no_stop.help = {"HELP"};
  EXPECT_EQ(KeywordMatcher::create(no_stop).error().code, Errc::no_stop_keyword);

  KeywordLists dup = KeywordLists::defaults();
  dup.start.push_back("stop ");
  EXPECT_EQ(KeywordMatcher::create(dup).error().code, Errc::duplicate_keyword);

  KeywordLists empty = KeywordLists::defaults();
  empty.help.push_back(" ! ");
  EXPECT_EQ(KeywordMatcher::create(empty).error().code, Errc::invalid_keyword);

  KeywordLists control = KeywordLists::defaults();
  control.help.push_back("HE\x01LP");
  EXPECT_EQ(KeywordMatcher::create(control).error().code, Errc::invalid_keyword);

  KeywordLists too_long = KeywordLists::defaults();
  too_long.help.push_back(std::string(kMaxKeywordLength + 1, 'x'));
  EXPECT_EQ(KeywordMatcher::create(too_long).error().code, Errc::invalid_keyword);

  KeywordLists same_list_twice = KeywordLists::defaults();
  same_list_twice.stop.push_back("Stop");
  EXPECT_TRUE(KeywordMatcher::create(same_list_twice));
}

TEST(KeywordKind, NamesRoundTrip) {
  for (auto k : {KeywordKind::stop, KeywordKind::start, KeywordKind::help, KeywordKind::confirm}) {
    EXPECT_EQ(parse_keyword_kind(keyword_kind_name(k)), k);
  }
  EXPECT_FALSE(parse_keyword_kind("STOP"));
}

}  // namespace
}  // namespace diskret::inbound
