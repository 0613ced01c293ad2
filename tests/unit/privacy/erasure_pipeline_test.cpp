// An erased person is never sent a message afterwards, not even one the pipeline already
// holds in memory: a DurablePipeline with a blocked fake carrier (one message in flight,
// the rest queued in the dispatcher), an erasure here or in another process, then the
// carrier is released.
#include <gtest/gtest.h>

#include <future>

#include "pipeline/durable_pipeline.hpp"
#include "privacy/erasure.hpp"
#include "privacy/privacy_service.hpp"
#include "unit/pipeline/fake_carrier.hpp"
#include "unit/privacy/privacy_stack.hpp"

namespace diskret::privacy {
namespace {

using pipeline::TenantId;
using pipeline::testing::FakeCarrier;
using testing::must;
using testing::Stack;
using testing::TempDir;
using namespace std::chrono_literals;

constexpr const char* kAnna = "+4915112345678";
constexpr const char* kBert = "+4915187654321";

class ErasureInPipelineTest : public ::testing::Test {
 protected:
  ErasureInPipelineTest() : carrier_(FakeCarrier::Behaviour::never_answers) {
    tenant_ = s_.p.create_tenant("tn_a");
    pipeline::PipelineConfig config;
    config.max_in_flight = 1;  // one message held by the carrier, the rest wait in memory
    pipeline_ = std::make_unique<pipeline::DurablePipeline>(*s_.p.store, *s_.p.keys, clock_, config);
    carrier_.connect(pipeline_->carrier_handlers());
    must(pipeline_->start(carrier_));
  }
  ~ErasureInPipelineTest() override { pipeline_.reset(); }

  std::uint64_t send(const std::string& to, const std::string& text) {
    pipeline::AcceptRequest r;
    r.tenant = TenantId{tenant_};
    pipeline::NewMessage m;
    m.to = to;
    m.from = "Diskret";
    m.text = text;
    m.segments = 1;
    m.encoding = "gsm7";
    r.messages.push_back(std::move(m));
    auto ids = pipeline_->preassign(1);
    std::promise<Expected<pipeline::AcceptResult>> answer;
    auto result = answer.get_future();
    pipeline_->accept(std::move(r), ids,
                      [&answer](Expected<pipeline::AcceptResult> a) { answer.set_value(std::move(a)); });
    auto accepted = result.get();
    EXPECT_TRUE(accepted) << accepted.error().message();
    return accepted ? accepted->ids.at(0).value : 0;
  }

  /// Bert's first message holds the carrier; Anna's three and Bert's second wait in memory.
  void queue_behind_a_blocked_carrier() {
    bert_first_ = send(kBert, "Hallo Bert");
    for (int i = 0; i < 3; ++i) anna_.push_back(send(kAnna, "Ihr Code lautet 471" + std::to_string(i)));
    bert_second_ = send(kBert, "Noch einmal Bert");
    ASSERT_TRUE(pipeline_->wait_idle(10s));
    ASSERT_EQ(carrier_.total_submits(), 1u);
  }

  void expect_anna_never_sent() {
    carrier_.release();
    ASSERT_TRUE(pipeline_->wait_idle(10s));
    std::size_t to_bert = 0;
    for (const auto& m : carrier_.sent()) {
      EXPECT_NE(m.to_e164, kAnna) << "an erased person was sent message " << m.message_id;
      if (m.to_e164 == kBert) ++to_bert;
    }
    EXPECT_EQ(to_bert, 2u);
    for (auto id : anna_) {
      auto v = must(pipeline_->get(TenantId{tenant_}, pipeline::MessageId{id}));
      EXPECT_EQ(v.status, pipeline::MessageStatus::failed);
      ASSERT_TRUE(v.error);
      EXPECT_EQ(v.error->code, "erased");
      EXPECT_EQ(v.to, "");  // and nothing of the person is readable
    }
    EXPECT_EQ(must(pipeline_->get(TenantId{tenant_}, pipeline::MessageId{bert_second_})).status,
              pipeline::MessageStatus::submitted);
  }

  TempDir dir_;
  FakeClock clock_;
  Stack s_{dir_, clock_};
  FakeCarrier carrier_;
  std::unique_ptr<pipeline::DurablePipeline> pipeline_;
  std::uint64_t tenant_ = 0;
  std::uint64_t bert_first_ = 0;
  std::uint64_t bert_second_ = 0;
  std::vector<std::uint64_t> anna_;
};

TEST_F(ErasureInPipelineTest, ErasureHereDropsQueuedMessages) {
  queue_behind_a_blocked_carrier();
  auto report = must(s_.eraser->erase(tenant_, kAnna, "api_key:1"));
  EXPECT_EQ(report.messages_cancelled, 3u);
  expect_anna_never_sent();
}

// `diskret privacy erase` runs in another process; the server learns of it from the key
// store's log (PrivacyService's watcher) before the carrier frees up.
TEST_F(ErasureInPipelineTest, ErasureByAnotherProcessDropsQueuedMessages) {
  PrivacyService service(s_.context());
  ASSERT_TRUE(service.prepare().has_value());
  queue_behind_a_blocked_carrier();
  Stack cli(dir_, clock_);
  must(cli.eraser->erase(tenant_, kAnna, "operator:cli"));
  EXPECT_EQ(must(service.watch_once()), 1u);
  expect_anna_never_sent();
}

}  // namespace
}  // namespace diskret::privacy
