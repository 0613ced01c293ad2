// accept(): group commit, idempotency, failure handling, encryption at rest, reads.
#include <gtest/gtest.h>

#include <set>

#include "unit/pipeline/held_sync_store.hpp"
#include "unit/pipeline/pipeline_fixture.hpp"

namespace diskret::pipeline {
namespace {

using testing::FakeCarrier;
using testing::HeldSyncStore;
using testing::accept_async;
using testing::PipelineFixture;
using testing::message;
using testing::number;

AcceptRequest idempotent(TenantId tenant, std::string key, std::string fingerprint,
                         std::string response, std::vector<NewMessage> messages) {
  AcceptRequest r;
  r.tenant = tenant;
  r.idempotency_key = std::move(key);
  r.fingerprint = std::move(fingerprint);
  r.response = std::move(response);
  r.messages = std::move(messages);
  return r;
}

// Waits until `n` messages were handed to accept() and are not answered yet.
void wait_for_queue(PipelineFixture& f, std::uint64_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (f.pipeline->stats().commit_queue < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  ASSERT_EQ(f.pipeline->stats().commit_queue, n);
}

TEST(GroupCommit, ManyConcurrentAcceptsShareFewTransactions) {
  PipelineFixture f(FakeCarrier::Behaviour::never_answers);
  f.idle();
  const auto before = f.store.store->commits();
  constexpr int kSenders = 100;
  std::vector<std::future<Expected<AcceptResult>>> answers;
  {
    // Holding the write lock parks the writer in its first transaction: everything the
    // senders queue meanwhile must go into (at most) the next one.
    auto held = f.store.store->begin();
    ASSERT_TRUE(held);
    for (int i = 0; i < kSenders; ++i) {
      answers.push_back(std::async(std::launch::async, [&f, i] {
        return f.send({message(number(static_cast<std::uint64_t>(i)))});
      }));
    }
    wait_for_queue(f, kSenders);
    (*held)->commit();
  }
  std::set<std::uint64_t> ids;
  for (auto& a : answers) {
    auto r = a.get();
    ASSERT_TRUE(r) << r.error().message();
    ids.insert(r->ids.at(0).value);
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kSenders));
  f.idle();
  const auto commits = f.store.store->commits() - before;
  // The held transaction, the writer's first cycle (whatever it took before it blocked)
  // and one more for everything queued behind it.
  EXPECT_LE(commits, 3u);
  EXPECT_EQ(f.pipeline->stats().accepted, static_cast<std::uint64_t>(kSenders));
}

// A pipeline whose syncs can be held, for the group commits written while one syncs.
struct HeldSyncPipeline {
  explicit HeldSyncPipeline(std::size_t overlap) : held(*store.store) {
    PipelineConfig config;
    config.overlap_commit_messages = overlap;
    pipeline = std::make_unique<DurablePipeline>(held, *store.keys, store.clock, config);
    carrier.connect(pipeline->carrier_handlers());
    if (auto ok = pipeline->start(carrier); !ok) throw std::runtime_error(ok.error().message());
  }
  ~HeldSyncPipeline() {
    held.release();
    pipeline.reset();
  }
  std::future<Expected<AcceptResult>> send(std::vector<NewMessage> messages) {
    AcceptRequest r;
    r.tenant = tenant;
    r.messages = std::move(messages);
    return accept_async(*pipeline, std::move(r));
  }
  std::uint64_t commits() const { return store.store->commits(); }
  /// Holds the syncs, sends one message and waits until its sync is held: the moment the
  /// next group commit is decided in. Returns its answer; `before` counts earlier commits.
  std::future<Expected<AcceptResult>> send_and_hold_its_sync() {
    if (!pipeline->wait_idle(std::chrono::seconds(10))) throw std::runtime_error("not idle");
    before = commits();
    held.hold();
    auto first = send({message(number(0))});
    if (!held.wait_for_held_sync()) throw std::runtime_error("no sync was held");
    return first;
  }
  std::uint64_t before = 0;

  testing::TempDir dir;
  testing::StoreFixture store{dir};
  HeldSyncStore held;
  TenantId tenant{store.create_tenant("tn_a")};
  FakeCarrier carrier{FakeCarrier::Behaviour::never_answers};
  std::unique_ptr<DurablePipeline> pipeline;
};

TEST(GroupCommit, RequestsArrivingDuringASyncWaitForItAndShareTheNextCommit) {
  HeldSyncPipeline f(16);
  auto first = f.send_and_hold_its_sync();
  const auto before = f.before;
  ASSERT_EQ(f.commits(), before + 1);
  // One at a time, each queued before the next: without the rule each would be a commit
  // of its own, written while the first one syncs.
  std::vector<std::future<Expected<AcceptResult>>> later;
  for (std::uint64_t i = 1; i <= 5; ++i) {
    later.push_back(f.send({message(number(i))}));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (f.pipeline->stats().commit_queue < i + 1 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(f.commits(), before + 1);
  f.held.release();
  ASSERT_TRUE(first.get());
  for (auto& a : later) ASSERT_TRUE(a.get());
  EXPECT_EQ(f.commits(), before + 2);
  EXPECT_EQ(f.pipeline->stats().accepted, 6u);
}

TEST(GroupCommit, AGroupOfTheOverlapSizeIsWrittenBesideTheSync) {
  HeldSyncPipeline f(16);
  auto first = f.send_and_hold_its_sync();
  const auto before = f.before;
  std::vector<NewMessage> group;
  for (std::uint64_t i = 1; i <= 16; ++i) group.push_back(message(number(i)));
  auto second = f.send(std::move(group));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (f.commits() < before + 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  EXPECT_EQ(f.commits(), before + 2);  // while the first sync is still held
  f.held.release();
  ASSERT_TRUE(first.get());
  ASSERT_TRUE(second.get());
}

TEST(Idempotency, StoredResponseIsFoundAndReplayed) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  auto first = f.send(idempotent(f.tenant, "key-1", "fp-a", "{\"messages\":[1]}", {message(number(1))}));
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->replayed);
  auto found = f.pipeline->find_idempotent(f.tenant, "key-1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->first, "fp-a");
  EXPECT_EQ((*found)->second, "{\"messages\":[1]}");
  EXPECT_FALSE(*f.pipeline->find_idempotent(f.tenant, "key-2"));
  TenantId other{f.store.create_tenant("tn_b")};
  EXPECT_FALSE(*f.pipeline->find_idempotent(other, "key-1"));

  // A retry that raced past find_idempotent(): the writer replays, stores nothing new.
  auto again = f.send(idempotent(f.tenant, "key-1", "fp-a", "{}", {message(number(2))}));
  ASSERT_TRUE(again);
  ASSERT_TRUE(again->replayed);
  EXPECT_EQ(*again->replayed, "{\"messages\":[1]}");
  EXPECT_TRUE(again->ids.empty());
  auto conflict = f.send(idempotent(f.tenant, "key-1", "fp-b", "{}", {message(number(3))}));
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, make_error_code(Errc::already_exists));
  f.idle();
  EXPECT_EQ(f.pipeline->list(f.tenant, {})->size(), 1u);
  EXPECT_EQ(f.pipeline->stats().accepted, 1u);
}

TEST(Idempotency, TwoRequestsWithOneKeyInOneCommitStoreOnce) {
  PipelineFixture f(FakeCarrier::Behaviour::never_answers);
  std::future<Expected<AcceptResult>> a, b;
  {
    auto held = f.store.store->begin();
    ASSERT_TRUE(held);
    a = std::async(std::launch::async, [&] {
      return f.send(idempotent(f.tenant, "k", "fp", "resp", {message(number(1))}));
    });
    b = std::async(std::launch::async, [&] {
      return f.send(idempotent(f.tenant, "k", "fp", "resp", {message(number(1))}));
    });
    wait_for_queue(f, 2);
  }
  auto ra = a.get();
  auto rb = b.get();
  ASSERT_TRUE(ra && rb);
  EXPECT_NE(ra->replayed.has_value(), rb->replayed.has_value());
  f.idle();
  EXPECT_EQ(f.pipeline->list(f.tenant, {})->size(), 1u);
}

TEST(GroupCommit, CommitFailureAnswersUnavailableAndStoresNothing) {
  // Page quota: the schema (about 120 pages of 4 KiB now, as migrations add tables) plus
  // room for a few messages, far below the batch (2,000 x 300 bytes: about 150 pages).
  PipelineFixture f(FakeCarrier::Behaviour::never_answers, {}, 160);
  const MessageId kept = f.send_one(number(1));
  std::vector<NewMessage> big;
  for (int i = 0; i < 2000; ++i) big.push_back(message(number(100 + i), std::string(300, 'x')));
  auto r = f.send(std::move(big));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::unavailable));
  f.idle();
  auto listed = f.pipeline->list(f.tenant, {.limit = 5000});
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).id, kept);
  EXPECT_EQ(f.pipeline->stats().accepted, 1u);
  // The database recovers for what fits.
  EXPECT_TRUE(f.send({message(number(2))}));
}

TEST(EncryptionAtRest, NumbersTextsAndResponsesAppearInNoFile) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  const std::string number = "+4917098765432";
  const std::string text = "Geheimer Termin am Dienstag";
  const std::string ref = "kunde-4711";
  auto m = message(number, text);
  m.client_ref = ref;
  auto bad = message("0170 not a number", text);
  bad.rejected = MessageError{"invalid_number", "not a phone number"};
  auto r = f.send(idempotent(f.tenant, "idem", "fingerprint-xyz",
                             "{\"to\":\"" + number + "\"}", {m, bad}));
  ASSERT_TRUE(r);
  f.idle();
  for (const auto& entry : std::filesystem::directory_iterator(f.dir.path())) {
    const std::string bytes = store::testing::read_file(entry.path());
    for (const std::string& secret :
         {number, number.substr(1), text, ref, std::string("0170 not a number"),
          std::string("fingerprint-xyz")}) {
      EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " in " << entry.path();
    }
  }
  auto view = f.pipeline->get(f.tenant, r->ids[0]);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->to, number);
  EXPECT_EQ(view->client_ref, ref);
  auto rejected = f.pipeline->get(f.tenant, r->ids[1]);
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->to, "0170 not a number");
  EXPECT_EQ(rejected->status, MessageStatus::rejected);
  EXPECT_EQ(rejected->error->code, "invalid_number");
  EXPECT_EQ(f.carrier.submits(r->ids[1].value), 0u);
  EXPECT_EQ(f.pipeline->stats().rejected, 1u);
}

TEST(Reads, OtherTenantGetsNotFound) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  const MessageId id = f.send_one(number(1));
  TenantId other{f.store.create_tenant("tn_b")};
  auto view = f.pipeline->get(other, id);
  ASSERT_FALSE(view);
  EXPECT_EQ(view.error().code, make_error_code(Errc::not_found));
  EXPECT_TRUE(f.pipeline->list(other, {})->empty());
}

TEST(Reads, ListIsNewestFirstWithCursorAndStatus) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  std::vector<MessageId> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(f.send_one(number(i)));
    f.store.clock.advance(std::chrono::seconds(1));
  }
  auto bad = message("xyz");
  bad.rejected = MessageError{"invalid_number", "not a number"};
  const MessageId rejected = f.send({bad})->ids.at(0);
  f.idle();
  auto page = f.pipeline->list(f.tenant, {.limit = 3});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ(page->at(0).id, rejected);
  EXPECT_EQ(page->at(1).id, ids[4]);
  auto next = f.pipeline->list(f.tenant, {.after = page->back().id, .limit = 10});
  ASSERT_EQ(next->size(), 3u);
  EXPECT_EQ(next->back().id, ids[0]);
  auto only_rejected = f.pipeline->list(f.tenant, {.status = MessageStatus::rejected});
  ASSERT_EQ(only_rejected->size(), 1u);
  const auto t2 = f.pipeline->get(f.tenant, ids[2])->created_at;
  auto window = f.pipeline->list(f.tenant, {.since = t2, .until = t2 + std::chrono::seconds(2)});
  ASSERT_EQ(window->size(), 2u);
  EXPECT_EQ(window->at(0).id, ids[3]);
  EXPECT_TRUE(f.pipeline->list(f.tenant, {.campaign = "c1"})->empty());
}

TEST(Accept, MessageForSendingWithoutE164IsRefused) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  auto r = f.send({message("015112345678")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::invalid_argument));
  EXPECT_TRUE(f.pipeline->list(f.tenant, {})->empty());
}

TEST(Accept, UnknownTenantIsRefusedAlone) {
  PipelineFixture f(FakeCarrier::Behaviour::never_answers);
  AcceptRequest r;
  r.tenant = TenantId{999};
  r.messages = {message(number(1))};
  auto refused = f.send(std::move(r));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, make_error_code(Errc::not_found));
  EXPECT_TRUE(f.send({message(number(1))}));
}

TEST(Accept, StoppedPipelineAnswersUnavailable) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  f.pipeline->stop();
  auto r = f.send({message(number(1))});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::unavailable));
}

}  // namespace
}  // namespace diskret::pipeline
