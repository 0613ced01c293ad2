// CampaignRunner on a real SQLite store with an in-memory pipeline and a fake clock: the
// rate cap, send-time screening, pause, and a "crash" between the messages' commit and
// the progress commit (the restarted runner replays, it does not resend).
#include "campaigns/runner.hpp"

#include <gtest/gtest.h>

#include <set>

#include "store/sqlite/sqlite_campaign_store.hpp"
#include "unit/api/in_memory_services.hpp"
#include "unit/contacts/service_fixture.hpp"

namespace diskret::campaigns {
namespace {

using namespace std::chrono_literals;

// Passes everything to the SQLite store; `fail_marks` loses the progress commits.
class FlakyProgress final : public store::CampaignStore {
 public:
  explicit FlakyProgress(store::CampaignStore& inner) : inner_(inner) {}
  bool fail_marks = false;

  // store::CampaignStore
  Expected<std::uint64_t> insert(const store::CampaignRecord& r) override { return inner_.insert(r); }
  Expected<std::optional<store::CampaignRecord>> get(std::uint64_t t, std::uint64_t id) override {
    return inner_.get(t, id);
  }
  Expected<std::vector<store::CampaignRecord>> list(std::uint64_t t, std::uint64_t b,
                                                    std::size_t l) override {
    return inner_.list(t, b, l);
  }
  Expected<bool> transition(std::uint64_t t, std::uint64_t id, const std::string& from,
                            const std::string& to, std::int64_t now, bool m) override {
    return inner_.transition(t, id, from, to, now, m);
  }
  Expected<std::vector<store::CampaignRecord>> active() override { return inner_.active(); }
  Expected<std::vector<std::uint64_t>> pending(std::uint64_t c, std::size_t l,
                                               std::int64_t now) override {
    return inner_.pending(c, l, now);
  }
  Expected<void> hold(std::uint64_t c,
                      const std::vector<std::pair<std::uint64_t, std::int64_t>>& u) override {
    return inner_.hold(c, u);
  }
  Expected<std::optional<std::int64_t>> next_pending_at(std::uint64_t c) override {
    return inner_.next_pending_at(c);
  }
  Expected<void> mark(std::uint64_t c, const std::vector<store::RecipientOutcome>& o) override {
    if (fail_marks) return unexpected(Error{make_error_code(Errc::unavailable), "disk gone"});
    return inner_.mark(c, o);
  }
  Expected<store::CampaignCounts> counts(std::uint64_t c) override { return inner_.counts(c); }
  Expected<std::vector<store::RecipientReportRow>> report(std::uint64_t c) override {
    return inner_.report(c);
  }
  Expected<std::vector<std::uint64_t>> message_ids(std::uint64_t t, std::uint64_t c) override {
    return inner_.message_ids(t, c);
  }

 private:
  store::CampaignStore& inner_;
};

// Rejects suppressed numbers as the API's policy would; remembers the texts.
class FakePlanner final : public Planner {
 public:
  std::set<std::string> suppressed;
  std::vector<std::string> texts;

  // Planner
  Expected<pipeline::NewMessage> plan(std::uint64_t, const std::string& phone, std::string text,
                                      const std::string& sender,
                                      pipeline::Category category) override {
    pipeline::NewMessage m;
    m.to = phone;
    m.from = sender;
    m.text = text;
    m.category = category;
    if (suppressed.contains(phone)) {
      m.rejected = pipeline::MessageError{"suppressed", "opted out"};
    } else {
      texts.push_back(std::move(text));
    }
    return m;
  }
};

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::sqlite::SqliteCampaignStore::open(s_.dir.path() / "diskret.db");
    ASSERT_TRUE(opened) << opened.error().message();
    sqlite_ = std::move(*opened);
    progress_ = std::make_unique<FlakyProgress>(*sqlite_);
    auto list = s_.contacts.create_list(s_.a, "Newsletter");
    ASSERT_TRUE(list);
    list_ = list->id;
    for (int i = 0; i < kContacts; ++i) {
      contacts::ContactInput in;
      in.phone = phone(i);
      if (i % 2 == 0) in.first_name = "N" + std::to_string(i);
      in.lists = {list_};
      ASSERT_TRUE(s_.contacts.create(s_.a, in, "test"));
    }
  }

  static std::string phone(int i) { return "+4915120000" + std::to_string(100 + i); }

  std::uint64_t start_campaign(std::uint32_t rate, std::optional<std::int64_t> send_at_ms = {}) {
    store::CampaignRecord r;
    r.tenant_id = s_.a;
    r.name = "c";
    r.lists = {list_};
    r.sender = "Laden";
    r.template_text = "Hallo {{first_name|Kundin}}";
    r.category = 1;
    r.rate_per_minute = rate;
    r.send_at_ms = send_at_ms;
    r.status = "draft";
    auto id = sqlite_->insert(r);
    EXPECT_TRUE(id);
    EXPECT_TRUE(*sqlite_->transition(s_.a, *id, "draft", send_at_ms ? "scheduled" : "running", 0,
                                     true));
    return *id;
  }
  std::unique_ptr<CampaignRunner> runner(RunnerOptions options = {}) {
    return std::make_unique<CampaignRunner>(*progress_, s_.contacts, planner_, pipeline_,
                                            s_.fx.clock, options);
  }
  std::string status(std::uint64_t id) { return (*sqlite_->get(s_.a, id))->status; }

  static constexpr int kContacts = 12;
  contacts::testing::Services s_;
  std::unique_ptr<store::sqlite::SqliteCampaignStore> sqlite_;
  std::unique_ptr<FlakyProgress> progress_;
  FakePlanner planner_;
  api::test::InMemoryPipeline pipeline_;
  std::uint64_t list_ = 0;
};

TEST_F(RunnerTest, SendsEachRecipientOnceWithItsTextAndRejectsTheSuppressed) {
  planner_.suppressed = {phone(3)};
  const auto id = start_campaign(100'000);
  auto r = runner();
  for (int tick = 0; tick < 5; ++tick) {
    s_.fx.clock.advance(100ms);
    r->run_once();
  }
  EXPECT_EQ(status(id), "completed");
  auto counts = sqlite_->counts(id);
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->sent, static_cast<std::uint64_t>(kContacts - 1));
  EXPECT_EQ(counts->rejected, 1u);
  EXPECT_EQ(pipeline_.stored.size(), static_cast<std::size_t>(kContacts));
  ASSERT_EQ(planner_.texts.size(), static_cast<std::size_t>(kContacts - 1));
  EXPECT_EQ(planner_.texts[0], "Hallo N0");
  EXPECT_EQ(planner_.texts[1], "Hallo Kundin");
  std::set<std::string> numbers;
  for (const auto& m : pipeline_.stored) numbers.insert(m.message.to);
  EXPECT_EQ(numbers.size(), static_cast<std::size_t>(kContacts));
}

TEST_F(RunnerTest, HonoursTheRatePerMinute) {
  const auto id = start_campaign(600);  // 10 per second: one per 100 ms tick
  auto r = runner();
  r->run_once();  // the first message goes at once
  for (int tick = 0; tick < 5; ++tick) {
    s_.fx.clock.advance(100ms);
    r->run_once();
  }
  EXPECT_EQ(pipeline_.stored.size(), 6u);
  r->run_once();  // no time passed: nothing more
  EXPECT_EQ(pipeline_.stored.size(), 6u);
  s_.fx.clock.advance(10s);  // an idle gap saves no burst beyond 100 ms worth
  r->run_once();
  EXPECT_EQ(pipeline_.stored.size(), 7u);
  EXPECT_EQ(status(id), "running");
}

TEST_F(RunnerTest, PausedCampaignSendsNothingAndResumesWhereItStopped) {
  const auto id = start_campaign(600);
  auto r = runner();
  r->run_once();
  ASSERT_EQ(pipeline_.stored.size(), 1u);
  ASSERT_TRUE(*sqlite_->transition(s_.a, id, "running", "paused", 0, false));
  for (int tick = 0; tick < 20; ++tick) {
    s_.fx.clock.advance(100ms);
    r->run_once();
  }
  EXPECT_EQ(pipeline_.stored.size(), 1u);
  ASSERT_TRUE(*sqlite_->transition(s_.a, id, "paused", "running", 0, false));
  r->run_once();
  EXPECT_EQ(pipeline_.stored.size(), 2u);
  EXPECT_EQ((*sqlite_->counts(id)).pending, static_cast<std::uint64_t>(kContacts - 2));
}

TEST_F(RunnerTest, QuietHoursHoldMarketingUntilTheRecipientsMorning) {
  // The fake clock starts on Tuesday 2023-11-14 22:13:20 UTC: 23:13 in Berlin (+49 numbers).
  RunnerOptions options;
  options.quiet = *QuietHours::parse("20:00-08:00");
  const auto id = start_campaign(100'000);
  auto r = runner(options);
  for (int tick = 0; tick < 5; ++tick) {
    s_.fx.clock.advance(100ms);
    r->run_once();
  }
  EXPECT_TRUE(pipeline_.stored.empty()) << "nothing goes out at night";
  EXPECT_EQ(status(id), "running");
  EXPECT_EQ((*sqlite_->counts(id)).pending, static_cast<std::uint64_t>(kContacts));
  // 07:59:59 Berlin: still held; 08:00 Berlin (07:00 UTC): everyone, each once.
  s_.fx.clock.advance(std::chrono::milliseconds(1'700'031'600'000 - s_.fx.clock.now_ms() - 1'000));
  r->run_once();
  EXPECT_TRUE(pipeline_.stored.empty());
  s_.fx.clock.advance(1s);
  for (int tick = 0; tick < 5; ++tick) {
    r->run_once();
    s_.fx.clock.advance(100ms);
  }
  EXPECT_EQ(pipeline_.stored.size(), static_cast<std::size_t>(kContacts));
  EXPECT_EQ(status(id), "completed");
}

TEST_F(RunnerTest, ATenantsOwnQuietHoursWinOverThePlatformDefault) {
  RunnerOptions options;
  options.quiet = *QuietHours::parse("20:00-08:00");
  options.tenant_quiet = [this](std::uint64_t tenant) -> std::optional<QuietHours> {
    if (tenant == s_.a) return *QuietHours::parse("off");
    return std::nullopt;
  };
  const auto id = start_campaign(100'000);
  auto r = runner(options);
  for (int tick = 0; tick < 5; ++tick) {
    s_.fx.clock.advance(100ms);
    r->run_once();
  }
  EXPECT_EQ(pipeline_.stored.size(), static_cast<std::size_t>(kContacts)) << "this tenant sends at night";
  EXPECT_EQ(status(id), "completed");
}

TEST_F(RunnerTest, NumbersWithoutOneZoneFollowTheTenantsRegionNotUtc) {
  // 22:13 UTC on a Tuesday: 23:13 in Berlin (quiet), 17:13 in New York (open), and quiet in
  // UTC too, where these numbers used to be read.
  for (const char* number : {"+18002345678", "+80012345678"}) {
    contacts::ContactInput in;
    in.phone = number;
    in.lists = {list_};
    ASSERT_TRUE(s_.contacts.create(s_.a, in, "test")) << number;
  }
  std::string region = "DE";
  RunnerOptions options;
  options.quiet = *QuietHours::parse("20:00-08:00");
  options.tenant_region = [&region](std::uint64_t) { return region; };
  const auto id = start_campaign(100'000);
  auto r = runner(options);
  const auto ticks = [&] {
    for (int tick = 0; tick < 5; ++tick) {
      s_.fx.clock.advance(100ms);
      r->run_once();
    }
  };
  ticks();
  // A DE tenant: the US toll-free number is read in New York (17:13, open), the +800 one
  // in Berlin (23:13, quiet).
  EXPECT_EQ(pipeline_.stored.size(), 1u);
  // The same tenant now in the US: +800 follows New York, the +49 numbers Berlin.
  region = "US";
  const std::int64_t berlin_morning = 1'700'031'600'000;  // 2023-11-15 07:00 UTC
  s_.fx.clock.advance(std::chrono::milliseconds(berlin_morning - s_.fx.clock.now_ms()));
  ticks();
  EXPECT_EQ(pipeline_.stored.size(), static_cast<std::size_t>(kContacts + 1)) << "02:00 in New York";
  const std::int64_t new_york_morning = 1'700'053'200'000;  // 13:00 UTC = 08:00 EST
  s_.fx.clock.advance(std::chrono::milliseconds(new_york_morning - s_.fx.clock.now_ms() - 1'000));
  ticks();
  EXPECT_EQ(pipeline_.stored.size(), static_cast<std::size_t>(kContacts + 1));
  s_.fx.clock.advance(1s);
  ticks();
  EXPECT_EQ(pipeline_.stored.size(), static_cast<std::size_t>(kContacts + 2));
  EXPECT_EQ(status(id), "completed");
}

TEST_F(RunnerTest, QuietHoursDoNotHoldTransactionalCampaigns) {
  RunnerOptions options;
  options.quiet = *QuietHours::parse("20:00-08:00");
  const auto id = start_campaign(100'000);
  auto campaign = *sqlite_->get(s_.a, id);
  ASSERT_EQ(campaign->category, 1);  // marketing in start_campaign
  // A transactional one of the same list goes out at night.
  store::CampaignRecord t;
  t.tenant_id = s_.a;
  t.name = "t";
  t.lists = {list_};
  t.sender = "Laden";
  t.template_text = "Ihr Termin";
  t.category = 0;
  t.rate_per_minute = 100'000;
  t.status = "draft";
  auto tid = sqlite_->insert(t);
  ASSERT_TRUE(tid);
  ASSERT_TRUE(*sqlite_->transition(s_.a, *tid, "draft", "running", 0, true));
  ASSERT_TRUE(*sqlite_->transition(s_.a, id, "running", "cancelled", 0, false));
  auto r = runner(options);
  for (int tick = 0; tick < 5; ++tick) {
    s_.fx.clock.advance(100ms);
    r->run_once();
  }
  EXPECT_EQ(pipeline_.stored.size(), static_cast<std::size_t>(kContacts));
  EXPECT_EQ(status(*tid), "completed");
}

TEST_F(RunnerTest, AScheduledCampaignStartsWhenSendAtIsDue) {
  const auto id = start_campaign(100'000, s_.fx.clock.now_ms() + 60'000);
  auto r = runner();
  s_.fx.clock.advance(59s);
  r->run_once();
  EXPECT_EQ(status(id), "scheduled");
  EXPECT_TRUE(pipeline_.stored.empty());
  s_.fx.clock.advance(1s);
  r->run_once();
  EXPECT_EQ(status(id), "running");
  EXPECT_EQ(pipeline_.stored.size(), 1u);
}

TEST_F(RunnerTest, ACrashBetweenTheCommitsReplaysInsteadOfResending) {
  const auto id = start_campaign(100'000);
  progress_->fail_marks = true;  // messages committed, progress lost ("crash")
  {
    auto r = runner();
    for (int tick = 0; tick < 3; ++tick) {  // the first tick sends one, the next the rest
      s_.fx.clock.advance(100ms);
      r->run_once();
    }
  }
  ASSERT_EQ(pipeline_.stored.size(), static_cast<std::size_t>(kContacts));
  EXPECT_EQ((*sqlite_->counts(id)).pending, static_cast<std::uint64_t>(kContacts));
  progress_->fail_marks = false;
  auto restarted = runner();
  for (int tick = 0; tick < 3; ++tick) {
    s_.fx.clock.advance(100ms);
    restarted->run_once();
  }
  EXPECT_EQ(pipeline_.stored.size(), static_cast<std::size_t>(kContacts));  // none twice
  EXPECT_EQ(status(id), "completed");
  EXPECT_EQ((*sqlite_->counts(id)).sent, static_cast<std::uint64_t>(kContacts));
  // The recipients carry the ids of the messages committed before the "crash".
  std::vector<std::uint64_t> stored;
  for (const auto& m : pipeline_.stored) stored.push_back(m.view.id.value);
  std::sort(stored.begin(), stored.end());
  EXPECT_EQ(*sqlite_->message_ids(s_.a, id), stored);
}

TEST_F(RunnerTest, SendAtLocalReachesEachRecipientAtThatTimeInTheirZone) {
  // 2023-11-15T09:00 local: the +49 numbers (Berlin, UTC+1) are due at 08:00 UTC; one
  // Portuguese number (Lisbon, UTC+0) at 09:00 UTC. The clock starts 2023-11-14 22:13 UTC.
  contacts::ContactInput lisbon;
  lisbon.phone = "+351912345678";
  lisbon.lists = {list_};
  ASSERT_TRUE(s_.contacts.create(s_.a, lisbon, "test"));
  store::CampaignRecord r;
  r.tenant_id = s_.a;
  r.name = "local";
  r.lists = {list_};
  r.sender = "Laden";
  r.template_text = "Guten Morgen";
  r.category = 0;
  r.rate_per_minute = 100'000;
  r.send_at_local = "2023-11-15T09:00";
  r.send_at_ms = *earliest_local_time_ms(r.send_at_local);
  r.status = "draft";
  auto id = sqlite_->insert(r);
  ASSERT_TRUE(id);
  ASSERT_TRUE(*sqlite_->transition(s_.a, *id, "draft", "scheduled", 0, true));
  EXPECT_EQ((*sqlite_->get(s_.a, *id))->send_at_local, "2023-11-15T09:00");
  auto run = runner();
  const auto ticks = [&] {
    for (int tick = 0; tick < 5; ++tick) {
      run->run_once();
      s_.fx.clock.advance(100ms);
    }
  };
  ticks();
  EXPECT_TRUE(pipeline_.stored.empty()) << "09:00 has come nowhere yet";
  const std::int64_t berlin_due = 1'700'035'200'000;  // 2023-11-15 08:00 UTC
  s_.fx.clock.advance(std::chrono::milliseconds(berlin_due - s_.fx.clock.now_ms() - 1'000));
  ticks();
  EXPECT_TRUE(pipeline_.stored.empty()) << "08:59:59 in Berlin";
  s_.fx.clock.advance(1s);
  ticks();
  EXPECT_EQ(pipeline_.stored.size(), static_cast<std::size_t>(kContacts)) << "Berlin at 09:00";
  EXPECT_EQ(status(*id), "running") << "Lisbon is still waiting";
  s_.fx.clock.advance(std::chrono::milliseconds(berlin_due + 3'600'000 - s_.fx.clock.now_ms()));
  ticks();
  EXPECT_EQ(pipeline_.stored.size(), static_cast<std::size_t>(kContacts + 1));
  EXPECT_EQ(pipeline_.stored.back().message.to, "+351912345678");
  EXPECT_EQ(status(*id), "completed");
}

}  // namespace
}  // namespace diskret::campaigns
