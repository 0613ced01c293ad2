#pragma once
// A DurablePipeline on a fresh store with a fake carrier, plus request builders.
#include <gtest/gtest.h>

#include <future>
#include <memory>

#include "pipeline/durable_pipeline.hpp"
#include "unit/pipeline/fake_carrier.hpp"
#include "unit/store/store_fixture.hpp"

namespace diskret::pipeline::testing {

using store::testing::StoreFixture;
using store::testing::TempDir;

inline NewMessage message(std::string to, std::string text = "Hallo Welt") {
  NewMessage m;
  m.to = std::move(to);
  m.from = "Diskret";
  m.text = std::move(text);
  m.segments = 1;
  m.encoding = "gsm7";
  return m;
}

/// "+49151" followed by an 8-digit number.
inline std::string number(std::uint64_t i) { return fmt::format("+49151{:08}", i); }

/// Accepts `request`; the answer arrives in the future when the pipeline gives it.
inline std::future<Expected<AcceptResult>> accept_async(DurablePipeline& pipeline,
                                                        AcceptRequest request) {
  auto ids = pipeline.preassign(request.messages.size());
  auto answer = std::make_shared<std::promise<Expected<AcceptResult>>>();
  auto result = answer->get_future();
  pipeline.accept(std::move(request), ids,
                  [answer](Expected<AcceptResult> r) { answer->set_value(std::move(r)); });
  return result;
}

class PipelineFixture {
 public:
  explicit PipelineFixture(FakeCarrier::Behaviour behaviour, PipelineConfig config = {},
                           std::optional<std::uint32_t> max_pages = std::nullopt)
      : store(dir, max_pages), carrier(behaviour), config_(config) {
    tenant = TenantId{store.create_tenant("tn_a")};
    start();
  }
  ~PipelineFixture() { pipeline.reset(); }

  void start() {
    pipeline = std::make_unique<DurablePipeline>(*store.store, *store.keys, store.clock, config_);
    carrier.connect(pipeline->carrier_handlers());
    auto ok = pipeline->start(carrier);
    if (!ok) throw std::runtime_error(ok.error().message());
  }

  /// Stops the pipeline, reopens the store (nothing cached) and starts again.
  void restart() {
    pipeline.reset();
    store.open();
    start();
  }

  /// Accepts and waits for the answer.
  Expected<AcceptResult> send(AcceptRequest request) {
    return accept_async(*pipeline, std::move(request)).get();
  }

  Expected<AcceptResult> send(std::vector<NewMessage> messages) {
    AcceptRequest r;
    r.tenant = tenant;
    r.messages = std::move(messages);
    return send(std::move(r));
  }

  MessageId send_one(std::string to, std::string text = "Hallo Welt") {
    auto r = send({message(std::move(to), std::move(text))});
    EXPECT_TRUE(r) << r.error().message();
    return r ? r->ids.at(0) : MessageId{};
  }

  void idle() { ASSERT_TRUE(pipeline->wait_idle(std::chrono::seconds(10))); }

  MessageStatus status(MessageId id) {
    auto v = pipeline->get(tenant, id);
    EXPECT_TRUE(v) << v.error().message();
    return v ? v->status : MessageStatus::accepted;
  }

  TempDir dir;
  StoreFixture store;
  FakeCarrier carrier;
  TenantId tenant;
  std::unique_ptr<DurablePipeline> pipeline;

 private:
  PipelineConfig config_;
};

}  // namespace diskret::pipeline::testing
