// Short links on a migrated database with a fake clock: URLs found and replaced, the
// redirect resolves only stored codes to their own target, 410 after the TTL, clicks per
// link and day for the owning tenant only, previews store nothing.
#include "links/links.hpp"

#include <gtest/gtest.h>

#include "unit/store/store_fixture.hpp"

namespace diskret::links {
namespace {

using store::testing::StoreFixture;
using store::testing::TempDir;

std::vector<std::string> urls_of(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& u : find_urls(text)) out.emplace_back(text.substr(u.offset, u.length));
  return out;
}

TEST(FindUrls, FindsHttpAndHttpsWithoutTrailingPunctuation) {
  EXPECT_EQ(urls_of("Sale: https://shop.example/sommer?x=1. Jetzt!"),
            (std::vector<std::string>{"https://shop.example/sommer?x=1"}));
  EXPECT_EQ(urls_of("(HTTP://a.example/b) und http://c.example"),
            (std::vector<std::string>{"HTTP://a.example/b", "http://c.example"}));
  EXPECT_TRUE(urls_of("kein Link: shop.example, mailto:x@y, xhttps://a.b").empty());
  EXPECT_TRUE(urls_of("https://").empty());
}

class LinksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture_ = std::make_unique<StoreFixture>(dir_);
    a_ = fixture_->create_tenant("tn_a");
    b_ = fixture_->create_tenant("tn_b");
    auto s = SqliteLinkStore::open(dir_.path() / "diskret.db");
    ASSERT_TRUE(s) << s.error().message();
    store_ = std::move(*s);
    service_ = std::make_unique<LinkService>(*store_, clock_, LinkOptions{"sms.example.com"});
  }
  static std::string code_of(const std::string& short_url) {
    return short_url.substr(short_url.rfind('/') + 1);
  }

  TempDir dir_;
  std::unique_ptr<StoreFixture> fixture_;
  FakeClock clock_;
  std::unique_ptr<SqliteLinkStore> store_;
  std::unique_ptr<LinkService> service_;
  std::uint64_t a_ = 0, b_ = 0;
};

TEST_F(LinksTest, RewritesAndRedirectsOnlyToTheStoredTarget) {
  auto s = service_->shorten(a_, "Neu: https://shop.example/sommer?utm=sms jetzt", Persist::yes);
  ASSERT_TRUE(s) << s.error().message();
  ASSERT_EQ(s->rewritten.size(), 1u);
  const auto& short_url = s->rewritten[0].second;
  EXPECT_EQ(short_url.rfind("https://sms.example.com/l/", 0), 0u);
  EXPECT_EQ(s->text, "Neu: " + short_url + " jetzt");
  const auto code = code_of(short_url);
  EXPECT_EQ(code.size(), 8u);
  auto r = service_->resolve(code);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, Resolution::found);
  EXPECT_EQ(r->second, "https://shop.example/sommer?utm=sms");
  // No open redirect: unknown codes, another length, anything not stored.
  for (const char* bad : {"AAAAAAAA", "", "abc", "https://evil.example", "../../../etc"}) {
    auto miss = service_->resolve(bad);
    ASSERT_TRUE(miss);
    EXPECT_EQ(miss->first, Resolution::not_found) << bad;
    EXPECT_TRUE(miss->second.empty());
  }
}

TEST_F(LinksTest, ExpiredLinksAnswerGoneAfterThirtyDays) {
  auto s = service_->shorten(a_, "https://shop.example", Persist::yes);
  ASSERT_TRUE(s);
  const auto code = code_of(s->rewritten[0].second);
  clock_.advance(std::chrono::hours(30 * 24) - std::chrono::seconds(1));
  EXPECT_EQ(service_->resolve(code)->first, Resolution::found);
  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(service_->resolve(code)->first, Resolution::expired);
}

TEST_F(LinksTest, ClicksAreCountedPerLinkAndDayForItsTenantOnly) {
  auto s = service_->shorten(a_, "https://shop.example", Persist::yes);
  ASSERT_TRUE(s);
  const auto code = code_of(s->rewritten[0].second);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(service_->resolve(code));
  clock_.advance(std::chrono::hours(24));
  ASSERT_TRUE(service_->resolve(code));
  auto clicks = store_->clicks(a_, code);
  ASSERT_TRUE(clicks);
  ASSERT_EQ(clicks->size(), 2u);
  EXPECT_EQ((*clicks)[0].day, "2023-11-14");
  EXPECT_EQ((*clicks)[0].clicks, 3u);
  EXPECT_EQ((*clicks)[1].clicks, 1u);
  EXPECT_TRUE(store_->clicks(b_, code)->empty()) << "another tenant sees nothing";
}

TEST_F(LinksTest, ATenantListsItsOwnLinksInPagesWithTotalClicks) {
  std::vector<std::string> codes;
  for (const char* target : {"https://shop.example/1", "https://shop.example/2",
                             "https://shop.example/3"}) {
    auto s = service_->shorten(a_, target, Persist::yes);
    ASSERT_TRUE(s);
    codes.push_back(code_of(s->rewritten[0].second));
    clock_.advance(std::chrono::seconds(1));
  }
  ASSERT_TRUE(service_->shorten(b_, "https://b.example", Persist::yes));
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(service_->resolve(codes[1]));
  clock_.advance(std::chrono::hours(24));
  ASSERT_TRUE(service_->resolve(codes[1]));

  auto page1 = store_->list(a_, 0, 2);
  ASSERT_TRUE(page1) << page1.error().message();
  ASSERT_EQ(page1->size(), 2u);
  EXPECT_EQ((*page1)[0].link.code, codes[0]);
  EXPECT_EQ((*page1)[0].link.target, "https://shop.example/1");
  EXPECT_EQ((*page1)[0].total_clicks, 0u);
  EXPECT_EQ((*page1)[1].link.code, codes[1]);
  EXPECT_EQ((*page1)[1].total_clicks, 3u) << "summed over both days";
  EXPECT_EQ((*page1)[1].link.expires_ms - (*page1)[1].link.created_ms, 30LL * 24 * 3600 * 1000);
  auto page2 = store_->list(a_, page1->back().id, 2);
  ASSERT_TRUE(page2);
  ASSERT_EQ(page2->size(), 1u);
  EXPECT_EQ((*page2)[0].link.code, codes[2]);
  EXPECT_TRUE(store_->list(a_, (*page2)[0].id, 2)->empty());
  auto of_b = store_->list(b_, 0, 50);
  ASSERT_TRUE(of_b);
  ASSERT_EQ(of_b->size(), 1u) << "another tenant lists only its own";
  EXPECT_EQ((*of_b)[0].link.target, "https://b.example");
}

TEST_F(LinksTest, PreviewsStoreNothingAndKeepTheLength) {
  auto preview = service_->shorten(a_, "Hier: https://shop.example/a", Persist::no);
  auto real = service_->shorten(a_, "Hier: https://shop.example/a", Persist::yes);
  ASSERT_TRUE(preview);
  ASSERT_TRUE(real);
  EXPECT_EQ(preview->text.size(), real->text.size());
  EXPECT_EQ(service_->resolve(code_of(preview->rewritten[0].second))->first, Resolution::not_found);
  LinkService off(*store_, clock_, LinkOptions{});
  EXPECT_EQ(off.shorten(a_, "https://shop.example", Persist::yes)->text, "https://shop.example");
}

TEST_F(LinksTest, OneLinkPerTargetKeepsClicksAggregate) {
  auto first = service_->shorten(a_, "https://shop.example/x", Persist::yes);
  auto second = service_->shorten(a_, "Auch hier https://shop.example/x", Persist::yes);
  auto other = service_->shorten(b_, "https://shop.example/x", Persist::yes);
  ASSERT_TRUE(first && second && other);
  EXPECT_EQ(first->rewritten[0].second, second->rewritten[0].second) << "same tenant, same target";
  EXPECT_NE(first->rewritten[0].second, other->rewritten[0].second) << "tenants never share";
  // With less than a week left a new link is made.
  clock_.advance(std::chrono::hours(24 * 24));
  auto later = service_->shorten(a_, "https://shop.example/x", Persist::yes);
  ASSERT_TRUE(later);
  EXPECT_NE(later->rewritten[0].second, first->rewritten[0].second);
}


// Per-recipient tracking (tenants with click_tracking and a consent purpose).
class RecipientLinksTest : public LinksTest {
 protected:
  void SetUp() override {
    LinksTest::SetUp();
    auto r = SqliteRecipientLinkStore::open(dir_.path() / "diskret.db");
    ASSERT_TRUE(r) << r.error().message();
    recipients_ = std::move(*r);
    service_->set_recipients(recipients_.get());
  }
  std::unique_ptr<SqliteRecipientLinkStore> recipients_;
};

TEST_F(RecipientLinksTest, EachRecipientGetsItsOwnCodeAndItsClicksAreRecorded) {
  auto s = service_->shorten(a_, "Sale https://shop.example/s jetzt", Persist::yes);
  ASSERT_TRUE(s);
  const auto link = code_of(s->rewritten[0].second);
  auto anna = service_->personalise(a_, s->text, "blind-anna", "sealed-anna");
  auto ben = service_->personalise(a_, s->text, "blind-ben", "sealed-ben");
  ASSERT_TRUE(anna && ben);
  EXPECT_EQ(anna->size(), s->text.size()) << "the segments would change";
  EXPECT_NE(*anna, s->text);
  EXPECT_NE(*anna, *ben);
  const auto anna_code = anna->substr(anna->find("/l/") + 3, 8);
  EXPECT_EQ(*recipients_->count(a_), 2u);
  // Another tenant's link in a text is left alone.
  auto other = service_->personalise(b_, s->text, "blind-x", "sealed-x");
  ASSERT_TRUE(other);
  EXPECT_EQ(*other, s->text);

  clock_.advance(std::chrono::minutes{5});
  auto r = service_->resolve(anna_code);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, Resolution::found);
  EXPECT_EQ(r->second, "https://shop.example/s");
  auto clicks = recipients_->clicks(a_, link, 0, 10);
  ASSERT_TRUE(clicks);
  ASSERT_EQ(clicks->size(), 1u);
  EXPECT_EQ(clicks->front().sealed_recipient, "sealed-anna");
  EXPECT_EQ(clicks->front().clicked_ms, clock_.now_ms());
  EXPECT_TRUE(recipients_->clicks(b_, link, 0, 10)->empty()) << "another tenant sees them";
  // The aggregate count includes it.
  auto days = store_->clicks(a_, link);
  ASSERT_TRUE(days);
  ASSERT_EQ(days->size(), 1u);
  EXPECT_EQ(days->front().clicks, 1u);
  EXPECT_EQ(recipients_->clicks_of(a_, "blind-anna")->size(), 1u);
  EXPECT_TRUE(recipients_->clicks_of(a_, "blind-ben")->empty());
}

TEST_F(RecipientLinksTest, ErasureAndExpiryDeleteThePersonsCodesAndClicks) {
  auto s = service_->shorten(a_, "https://shop.example/x", Persist::yes);
  ASSERT_TRUE(s);
  auto anna = service_->personalise(a_, s->text, "blind-anna", "sealed-anna");
  auto ben = service_->personalise(a_, s->text, "blind-ben", "sealed-ben");
  ASSERT_TRUE(anna && ben);
  ASSERT_TRUE(service_->resolve(anna->substr(anna->find("/l/") + 3, 8)));
  auto erased = recipients_->erase(a_, "blind-anna");
  ASSERT_TRUE(erased);
  EXPECT_EQ(*erased, 1u);
  EXPECT_TRUE(recipients_->clicks_of(a_, "blind-anna")->empty());
  EXPECT_TRUE(recipients_->clicks(a_, code_of(s->rewritten[0].second), 0, 10)->empty());
  EXPECT_EQ(*recipients_->count(a_), 1u);
  // After the link's expiry: gone too (and the code answers 410, not the person's data).
  clock_.advance(std::chrono::hours{24 * 31});
  auto purged = recipients_->purge_expired(clock_.now_ms());
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 1u);
  EXPECT_EQ(*recipients_->count(a_), 0u);
}

TEST_F(LinksTest, WithoutTrackingTextsKeepTheAggregateCode) {
  auto s = service_->shorten(a_, "https://shop.example/y", Persist::yes);
  ASSERT_TRUE(s);
  auto same = service_->personalise(a_, s->text, "blind", "sealed");
  ASSERT_TRUE(same);
  EXPECT_EQ(*same, s->text);
}

}  // namespace
}  // namespace diskret::links
