#include "privacy/erasure.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/json.hpp>

#include "backup/sqlite_snapshot.hpp"
#include "unit/privacy/privacy_stack.hpp"

namespace diskret::privacy {
namespace {

using testing::must;
using testing::Stack;
using testing::TempDir;

constexpr const char* kAnna = "+4915112345678";
constexpr const char* kBert = "+4915187654321";

std::string read_all(const std::filesystem::path& p) { return store::testing::read_file(p); }

class ErasureTest : public ::testing::Test {
 protected:
  ErasureTest() {
    tenant_ = s_.p.create_tenant("tn_a");
    s_.add_contact(tenant_, kAnna, "Anna");
    first_ = s_.send(tenant_, kAnna, "Ihr Code lautet 4711");
    s_.clock_.advance(std::chrono::seconds(1));
    s_.send(tenant_, kAnna, "Termin morgen 9 Uhr");
    s_.receive(tenant_, kAnna, "Danke, passt");
    s_.suppress(tenant_, kAnna, "STOP per SMS");
    bert_ = s_.send(tenant_, kBert, "Hallo Bert");
  }
  boost::json::object export_of(const std::string& number) {
    auto d = must(s_.exporter->collect(tenant_, number, "operator:test"));
    return boost::json::parse(to_json(d)).as_object();
  }

  TempDir dir_;
  FakeClock clock_;
  Stack s_{dir_, clock_};
  std::uint64_t tenant_ = 0;
  std::uint64_t first_ = 0;
  std::uint64_t bert_ = 0;
};

TEST_F(ErasureTest, ExportBeforeErasureHoldsEverything) {
  auto v = export_of(kAnna);
  EXPECT_FALSE(v["erased"].as_bool());
  EXPECT_EQ(v["contact"].as_object()["first_name"].as_string(), "Anna");
  EXPECT_EQ(v["contact"].as_object()["lists"].as_array()[0].as_string(), "Newsletter");
  EXPECT_EQ(v["consents"].as_array().size(), 1u);
  ASSERT_EQ(v["messages_sent"].as_array().size(), 2u);
  EXPECT_EQ(v["messages_sent"].as_array()[0].as_object()["text"].as_string(), "Ihr Code lautet 4711");
  EXPECT_EQ(v["messages_received"].as_array()[0].as_object()["text"].as_string(), "Danke, passt");
  EXPECT_EQ(v["suppression"].as_object()["reason"].as_string(), "STOP per SMS");
  // Bert's message is not Anna's.
  EXPECT_EQ(export_of(kBert)["messages_sent"].as_array().size(), 1u);
}

TEST_F(ErasureTest, ErasedPersonExportsOnlyTheSuppressionMarker) {
  auto report = must(s_.eraser->erase(tenant_, kAnna, "api_key:1"));
  EXPECT_FALSE(report.erased_before);
  EXPECT_EQ(report.subject_keys_destroyed, 1u);
  EXPECT_TRUE(report.contact_deleted);
  EXPECT_EQ(report.messages_scrubbed, 2u);
  EXPECT_EQ(report.inbound_deleted, 1u);

  auto v = export_of(kAnna);
  EXPECT_TRUE(v["erased"].as_bool());
  EXPECT_TRUE(v["contact"].is_null());
  EXPECT_TRUE(v["messages_sent"].as_array().empty());
  EXPECT_TRUE(v["messages_received"].as_array().empty());
  EXPECT_TRUE(v["consents"].as_array().empty());
  EXPECT_TRUE(v["suppression"].as_object()["suppressed"].as_bool());
  EXPECT_EQ(v["suppression"].as_object()["reason"].as_string(), "erased");
  const auto text = boost::json::serialize(v);
  for (const char* leak : {"Anna", "4711", "Termin", "Danke", "STOP per SMS", "K-17"}) {
    EXPECT_EQ(text.find(leak), std::string::npos) << leak;
  }
  // Statistics stay: the message rows are there, without the person.
  auto m = must(s_.p.store->message(tenant_, first_));
  ASSERT_TRUE(m.has_value());
  EXPECT_FALSE(m->subject_id.has_value());
  EXPECT_EQ(m->status, store::state::kDelivered);
  auto payload = must(pipeline::open_payload(*s_.p.keys, *m));
  EXPECT_EQ(payload.to, "");
  EXPECT_EQ(payload.text, "");
  // Others are untouched.
  EXPECT_EQ(export_of(kBert)["messages_sent"].as_array()[0].as_object()["text"].as_string(), "Hallo Bert");
}

TEST_F(ErasureTest, ErasureIsAuditedAndRepeatable) {
  must(s_.eraser->erase(tenant_, kAnna, "api_key:1"));
  auto again = must(s_.eraser->erase(tenant_, kAnna, "api_key:1"));
  EXPECT_TRUE(again.erased_before);
  EXPECT_EQ(again.subject_keys_destroyed, 0u);
  EXPECT_EQ(again.messages_scrubbed, 0u);
  auto entries = must(s_.audit->page({.tenant_id = tenant_, .limit = 10, .subject = s_.blind(tenant_, kAnna)}));
  ASSERT_GE(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "privacy.erased");
  EXPECT_EQ(entries[0].subject, audit::subject_hex(s_.blind(tenant_, kAnna)));
  EXPECT_TRUE(must(s_.audit->verify()).ok());
}

// Messages the abuse checks held for review (sealed under the tenant key, so they would
// outlive the person's key) go with the person; other people's stay.
TEST_F(ErasureTest, HeldMessagesOfThePersonAreDeleted) {
  const auto hold = [&](const char* number) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir_.path() / "diskret.db").c_str(), &raw), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(raw,
                                 "INSERT INTO held_messages (tenant_id, created_at, reason, range_name, "
                                 "source, sealed, blind) VALUES (?, 0, 'unusual_range', 'premium_rate', "
                                 "'api', x'00', ?)",
                                 -1, &st, nullptr),
              SQLITE_OK);
    const store::Blind blind = s_.blind(tenant_, number);
    sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(tenant_));
    sqlite3_bind_blob(st, 2, blind.data(), static_cast<int>(blind.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(raw);
  };
  hold(kAnna);
  hold(kAnna);
  hold(kBert);
  auto report = must(s_.eraser->erase(tenant_, kAnna, "api_key:1"));
  EXPECT_EQ(report.held_deleted, 2u);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir_.path() / "diskret.db").c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT count(*) FROM held_messages", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(st, 0), 1) << "Bert's held message stays";
  sqlite3_finalize(st);
  sqlite3_close(raw);
}

// The test of the issue: a backup taken before the erasure, restored afterwards, shows
// nothing readable about the person, and the person stays suppressed.
TEST_F(ErasureTest, PreErasureBackupRestoredShowsNothingReadable) {
  const auto snapshot = dir_.path() / "before-erasure.db";
  ASSERT_TRUE(backup::snapshot_sqlite(dir_.path() / "diskret.db", snapshot).has_value());
  must(s_.eraser->erase(tenant_, kAnna, "operator:cli"));

  s_.teardown();
  s_.p.store.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(dir_.path() / (std::string("diskret.db") + suffix));
  std::filesystem::copy_file(snapshot, dir_.path() / "diskret.db");
  s_.reopen();

  // Before the erasure log is applied the old rows are back, but sealed under a key that
  // no longer exists.
  auto old = must(s_.p.store->message(tenant_, first_));
  ASSERT_TRUE(old.has_value());
  ASSERT_TRUE(old->subject_id.has_value());
  auto opened = pipeline::open_payload(*s_.p.keys, *old);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, diskret::Errc::not_found);

  EXPECT_EQ(must(s_.eraser->reapply()), 1u);
  auto v = export_of(kAnna);
  EXPECT_TRUE(v["erased"].as_bool());
  EXPECT_TRUE(v["contact"].is_null());
  EXPECT_TRUE(v["messages_sent"].as_array().empty());
  EXPECT_EQ(v["suppression"].as_object()["reason"].as_string(), "erased");
  auto state = must(s_.contacts->suppression(tenant_, s_.blind(tenant_, kAnna)));
  ASSERT_TRUE(state.has_value());
  EXPECT_FALSE(state->subject_id.has_value());
  EXPECT_EQ(export_of(kBert)["messages_sent"].as_array()[0].as_object()["text"].as_string(), "Hallo Bert");
  // Applied once: a second start changes nothing.
  EXPECT_EQ(must(s_.eraser->reapply()), 0u);
}

TEST_F(ErasureTest, KeyStoreKeepsNoCopyOfTheDestroyedKey) {
  auto subject = must(must(s_.p.store->begin())->find_subject(tenant_, s_.blind(tenant_, kAnna)));
  ASSERT_TRUE(subject.has_value());
  const auto wrapped = subject->wrapped;
  auto report = must(s_.eraser->erase(tenant_, kAnna, "operator:cli"));
  EXPECT_TRUE(report.key_store_log_truncated);
  for (const char* f : {"keys.db", "keys.db-wal"}) {
    const auto bytes = read_all(dir_.path() / f);
    EXPECT_EQ(bytes.find(wrapped), std::string::npos) << f;
  }
}

TEST_F(ErasureTest, ANewMessageAfterErasureGetsANewKey) {
  must(s_.eraser->erase(tenant_, kAnna, "operator:cli"));
  const auto id = s_.send(tenant_, kAnna, "Neu");
  auto m = must(s_.p.store->message(tenant_, id));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(must(pipeline::open_payload(*s_.p.keys, *m)).text, "Neu");
}

TEST_F(ErasureTest, OffboardingDestroysTheTenantAndSurvivesARestore) {
  const auto other = s_.p.create_tenant("tn_b");
  s_.send(other, kAnna, "Anderer Mandant");
  const auto snapshot = dir_.path() / "before-offboarding.db";
  ASSERT_TRUE(backup::snapshot_sqlite(dir_.path() / "diskret.db", snapshot).has_value());
  auto report = must(s_.eraser->offboard(tenant_, "operator:cli"));
  EXPECT_EQ(report.tenant_keys_destroyed, 1u);
  EXPECT_EQ(report.subject_keys_destroyed, 2u);
  EXPECT_FALSE(s_.p.keys->tenant(tenant_).has_value());
  EXPECT_FALSE(must(s_.p.store->message(tenant_, first_)).has_value());

  s_.teardown();
  s_.p.store.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(dir_.path() / (std::string("diskret.db") + suffix));
  std::filesystem::copy_file(snapshot, dir_.path() / "diskret.db");
  s_.reopen();
  EXPECT_FALSE(s_.p.keys->tenant(tenant_).has_value());  // nothing readable, even restored
  must(s_.eraser->reapply());
  EXPECT_FALSE(must(s_.p.store->message(tenant_, first_)).has_value());
  EXPECT_EQ(must(s_.rows->tenants()), std::vector<std::uint64_t>{other});
  // The other tenant is whole, and new tenants do not reuse the offboarded id.
  EXPECT_EQ(must(s_.exporter->collect(other, kAnna, "operator:test")).sent.size(), 1u);
  EXPECT_GT(s_.p.create_tenant("tn_c"), other);
}

}  // namespace
}  // namespace diskret::privacy
