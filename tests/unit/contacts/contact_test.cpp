#include "contacts/contact.hpp"

#include <gtest/gtest.h>

#include "contacts/column_map.hpp"
#include "contacts/errc.hpp"

namespace diskret::contacts {
namespace {

TEST(ContactFields, Names) {
  EXPECT_FALSE(check_name("J\xC3\xBCrgen"));
  EXPECT_FALSE(check_name(""));
  EXPECT_FALSE(check_name(std::string(100, 'a')));
  EXPECT_TRUE(check_name(std::string(101, 'a')));
  EXPECT_FALSE(check_name(std::string(50, 'a') + std::string(50 * 1, 'b')));
  std::string umlauts;
  for (int i = 0; i < 100; ++i) umlauts += "\xC3\xA4";  // 100 characters, 200 bytes
  EXPECT_FALSE(check_name(umlauts));
  EXPECT_TRUE(check_name("a\nb"));
  EXPECT_TRUE(check_name("a\tb"));
  EXPECT_TRUE(check_name("\xFF"));
}

TEST(ContactFields, Keys) {
  EXPECT_FALSE(check_field_key("kundennummer"));
  EXPECT_FALSE(
      check_field_key("Stra\xC3\x9F"
                      "e_2"));
  EXPECT_TRUE(check_field_key(""));
  EXPECT_TRUE(check_field_key("2nd"));
  EXPECT_TRUE(check_field_key("a.b"));
  EXPECT_TRUE(check_field_key("a b"));
  EXPECT_TRUE(check_field_key(std::string(65, 'k')));
}

TEST(ContactFields, Values) {
  EXPECT_FALSE(check_field_value("line 1\nline 2\tx"));
  EXPECT_TRUE(check_field_value("bell\x07"));
  EXPECT_TRUE(check_field_value(std::string(1025, 'v')));
  EXPECT_TRUE(check_field_value("M\xFCller"));
}

TEST(ContactFields, NormaliseKey) {
  EXPECT_EQ(normalise_key(" Kunden-Nr. "), "kunden_nr");
  EXPECT_EQ(normalise_key("PLZ / Ort"), "plz_ort");
  EXPECT_EQ(normalise_key("Stra\xC3\x9F"
                          "e"),
            "stra\xC3\x9F"
            "e");
  EXPECT_EQ(normalise_key("--"), "");
}

TEST(ContactFields, NormaliseFieldsSortsAndReports) {
  CustomFields f{{"b", "2"}, {"a", "1"}};
  EXPECT_TRUE(normalise_fields(f).empty());
  EXPECT_EQ(f, (CustomFields{{"a", "1"}, {"b", "2"}}));
  CustomFields bad{{"x", "1"}, {"x", "2"}, {"9", "3"}, {"ok", "\x01"}};
  auto errors = normalise_fields(bad);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].field, "fields.9");
  EXPECT_EQ(errors[1].field, "fields.ok");
  EXPECT_EQ(errors[2], (FieldError{"fields.x", "given twice"}));
  CustomFields many;
  for (std::size_t i = 0; i <= kMaxCustomFields; ++i)
    many.emplace_back("k" + std::to_string(i), "v");
  auto too_many = normalise_fields(many);
  ASSERT_EQ(too_many.size(), 1u);
  EXPECT_EQ(too_many[0].field, "fields");
}

TEST(ColumnMap, MapsKnownColumnsAndCustomFields) {
  auto m =
      map_header({"Handy", " Vorname ", "Nachname", "Liste", "consent_date", "Kunden-Nr.", ""});
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->index(ColumnKind::phone), 0u);
  EXPECT_EQ(m->index(ColumnKind::first_name), 1u);
  EXPECT_EQ(m->columns[1].header, "Vorname");
  EXPECT_EQ(m->index(ColumnKind::consent_obtained_at), 4u);
  EXPECT_EQ(m->columns[5].kind, ColumnKind::custom);
  EXPECT_EQ(m->columns[5].key, "kunden_nr");
  EXPECT_EQ(m->columns[6].kind, ColumnKind::unnamed);
  EXPECT_TRUE(m->has_consent());
}

TEST(ColumnMap, AmbiguousHeadersNameTheColumns) {
  auto m = map_header({"Telefon", "Handy"});
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, Errc::bad_header);
  EXPECT_NE(m.error().detail.find("\"Telefon\" and \"Handy\""), std::string::npos);
  EXPECT_FALSE(map_header({"phone", "", ""}).has_value() == false);  // unnamed twice is fine
}

}  // namespace
}  // namespace diskret::contacts
