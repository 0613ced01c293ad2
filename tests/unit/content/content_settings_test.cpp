// SqliteContentSettingsStore on a migrated database: defaults without a row, round trip,
// one row per tenant.
#include "content/content_settings.hpp"

#include <gtest/gtest.h>

#include "unit/store/store_fixture.hpp"

namespace diskret::content {
namespace {

using store::testing::StoreFixture;
using store::testing::TempDir;

TEST(SqliteContentSettingsStore, DefaultsThenRoundTrip) {
  TempDir dir;
  StoreFixture fixture(dir);
  const auto a = fixture.create_tenant("tn_a");
  const auto b = fixture.create_tenant("tn_b");
  auto store = SqliteContentSettingsStore::open(dir.path() / "diskret.db");
  ASSERT_TRUE(store) << store.error().message();
  auto none = (*store)->get(a);
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, ContentSettings{});
  EXPECT_TRUE(none->smart_encoding);
  EXPECT_EQ(none->dlp.policy, dlp::Policy::reject);

  ContentSettings s;
  s.smart_encoding = false;
  s.dlp.policy = dlp::Policy::mask;
  s.dlp.patterns = {{"customer_no", "KD-\\d{6}"}, {"pin", "PIN \\d{4}"}};
  s.short_links = true;
  s.bounce_emails = true;
  ASSERT_TRUE((*store)->put(a, s, 1000));
  EXPECT_EQ(*(*store)->get(a), s);
  EXPECT_EQ(*(*store)->get(b), ContentSettings{});
  s.dlp.patterns.pop_back();
  s.bounce_emails = false;
  ASSERT_TRUE((*store)->put(a, s, 2000));
  EXPECT_EQ(*(*store)->get(a), s);
}

TEST(ContentSettingsPatterns, FormatAndParseAreInverse) {
  const std::vector<dlp::PatternSpec> p{{"a", "x\\ty"}, {"b_2", "[0-9]{4}"}};
  EXPECT_EQ(parse_patterns(format_patterns(p)), p);
  EXPECT_TRUE(parse_patterns("").empty());
  EXPECT_EQ(parse_patterns("garbage\nok\tz\n").size(), 1u);
}

}  // namespace
}  // namespace diskret::content
