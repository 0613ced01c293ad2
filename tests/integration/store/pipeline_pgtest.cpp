// The durable pipeline (accept -> submit -> receipt) on PgStore, and what issue 10 asks of
// several nodes at the store level: a delivery receipt arriving at another node's bind
// still updates the right message.
#include <gtest/gtest.h>

#include <future>

#include "integration/store/pg_backend.hpp"
#include "pipeline/durable_pipeline.hpp"
#include "unit/pipeline/fake_carrier.hpp"

namespace diskret::store::testing {
namespace {

using pipeline::testing::FakeCarrier;

struct Node {
  Node(const PgTestDb& db, const std::string& id, const crypto::SecretKey& master, Clock& clock)
      : store(open_pg_store(pg_options(db, id), clock)),
        keys(*store, master, "testkey0testkey0"),
        carrier(FakeCarrier::Behaviour::accepts_all),
        pipeline(*store, keys, clock, pipeline::PipelineConfig{}) {
    carrier.connect(pipeline.carrier_handlers());
    if (auto ok = pipeline.start(carrier); !ok) throw std::runtime_error(ok.error().message());
  }

  Expected<pipeline::AcceptResult> send(std::uint64_t tenant, std::vector<std::string> texts) {
    pipeline::AcceptRequest r;
    r.tenant = pipeline::TenantId{tenant};
    for (std::size_t i = 0; i < texts.size(); ++i) {
      pipeline::NewMessage m;
      m.to = fmt::format("+49151{:08}", i + 1);
      m.from = "Diskret";
      m.text = texts[i];
      m.segments = 1;
      m.encoding = "gsm7";
      r.messages.push_back(std::move(m));
    }
    auto ids = pipeline.preassign(r.messages.size());
    std::promise<Expected<pipeline::AcceptResult>> answer;
    pipeline.accept(std::move(r), ids,
                    [&](Expected<pipeline::AcceptResult> a) { answer.set_value(std::move(a)); });
    return answer.get_future().get();
  }

  pipeline::MessageStatus status(std::uint64_t tenant, pipeline::MessageId id) {
    auto v = pipeline.get(pipeline::TenantId{tenant}, id);
    EXPECT_TRUE(v) << v.error().message();
    return v ? v->status : pipeline::MessageStatus::accepted;
  }

  std::unique_ptr<postgresql::PgStore> store;
  KeyRing keys;
  FakeCarrier carrier;
  pipeline::DurablePipeline pipeline;
};

class PipelineOnPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::PostgresServer::available()) GTEST_SKIP() << test::PostgresServer::missing_message();
    db_ = fresh_pg_schema();
    auto setup = open_pg_store(pg_options(db_, "setup"), clock_);
    KeyRing keys(*setup, master_, "testkey0testkey0");
    auto tx = setup->begin();
    TenantRecord t;
    t.public_id = "tn_a";
    t.name = "a";
    tenant_ = *(*tx)->insert_tenant(t);
    if (!(*tx)->insert_tenant_key(keys.new_tenant_key(tenant_, 1)) || !(*tx)->commit()) {
      throw std::runtime_error("cannot create the tenant");
    }
  }

  FakeClock clock_;
  crypto::SecretKey master_ = crypto::SecretKey::generate();
  PgTestDb db_;
  std::uint64_t tenant_ = 0;
};

TEST_F(PipelineOnPostgres, AcceptedMessagesAreSubmittedAndDeliveredPartByPart) {
  Node a(db_, "node-a", master_, clock_);
  a.carrier.set_part_size(20);
  auto sent = a.send(tenant_, {"kurz", "kurz 2", "eine Nachricht in zwei Teilen"});
  ASSERT_TRUE(sent) << sent.error().message();
  ASSERT_EQ(sent->ids.size(), 3u);
  ASSERT_TRUE(a.pipeline.wait_idle(std::chrono::seconds(10)));
  for (auto id : sent->ids) {
    EXPECT_EQ(a.status(tenant_, id), pipeline::MessageStatus::submitted);
    EXPECT_EQ(a.carrier.submits(id.value), 1u);
  }
  EXPECT_TRUE(a.carrier.receipt(a.carrier.carrier_ids(sent->ids[0].value).at(0),
                                smpp::ReceiptState::delivered));
  EXPECT_EQ(a.status(tenant_, sent->ids[0]), pipeline::MessageStatus::delivered);
  const auto parts = a.carrier.carrier_ids(sent->ids[2].value);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_TRUE(a.carrier.receipt(parts[0], smpp::ReceiptState::delivered));
  EXPECT_EQ(a.status(tenant_, sent->ids[2]), pipeline::MessageStatus::submitted);
  EXPECT_TRUE(a.carrier.receipt(parts[1], smpp::ReceiptState::delivered));
  EXPECT_EQ(a.status(tenant_, sent->ids[2]), pipeline::MessageStatus::delivered);
}

// Node A submits; the carrier delivers the receipt over node B's bind. B finds the message
// in the shared database, and A (and every node) sees it delivered.
TEST_F(PipelineOnPostgres, ReceiptAtAnotherNodesBindUpdatesTheMessage) {
  Node a(db_, "node-a", master_, clock_);
  auto sent = a.send(tenant_, {"Ihr Code lautet 123456"});
  ASSERT_TRUE(sent) << sent.error().message();
  ASSERT_TRUE(a.pipeline.wait_idle(std::chrono::seconds(10)));
  const auto id = sent->ids.at(0);
  ASSERT_EQ(a.status(tenant_, id), pipeline::MessageStatus::submitted);
  const auto carrier_id = a.carrier.carrier_ids(id.value).at(0);

  Node b(db_, "node-b", master_, clock_);
  ASSERT_TRUE(b.pipeline.wait_idle(std::chrono::seconds(10)));
  EXPECT_EQ(b.carrier.total_submits(), 0u);  // nothing accepted was left for B to send
  EXPECT_TRUE(b.carrier.receipt(carrier_id, smpp::ReceiptState::delivered, "fake"));
  EXPECT_EQ(a.status(tenant_, id), pipeline::MessageStatus::delivered);
  EXPECT_EQ(b.status(tenant_, id), pipeline::MessageStatus::delivered);
}

}  // namespace
}  // namespace diskret::store::testing
