#pragma once
// The SMPP server on a real DurablePipeline (SQLite in a temp dir) with a fake carrier.
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>

#include <gtest/gtest.h>

#include "smpp/delivery_receipt.hpp"
#include "smpp_server/smpp_server.hpp"
#include "smpp_server/status_tee.hpp"
#include "store/sqlite/sqlite_smpp_credentials.hpp"
#include "store/sqlite/sqlite_message_notes.hpp"
#include "store/sqlite/sqlite_smpp_outbox.hpp"
#include "tenancy/sql_tenant_service.hpp"
#include "unit/pipeline/pipeline_fixture.hpp"

namespace diskret::smpp_server::test {

using namespace std::chrono_literals;

constexpr auto kBindFailDelay = 300ms;

struct ServerFixture {
  /// With `poll`, the server keeps receipt requests in memory and finds final statuses by
  /// reading them (no outbox, no notes: a pipeline without status events); otherwise
  /// receipts are made in the final status's commit by a ReceiptMaker in a StatusTee and
  /// delivered through the outbox.
  explicit ServerFixture(bool poll = false, api::SendPolicy* policy = nullptr,
                         const std::function<void(ServerConfig&)>& tweak = {})
      : pf(pipeline::testing::FakeCarrier::Behaviour::accepts_all) {
    auto s = store::sqlite::SqliteSmppCredentialStore::open(pf.dir.path() / "diskret.db");
    if (!s) throw std::runtime_error(s.error().message());
    cred_store = std::move(*s);
    credentials = std::make_unique<CredentialService>(*cred_store, pf.store.keys->api_key_pepper(),
                                                      pf.store.clock);
    tenants = std::make_unique<tenancy::SqlTenantService>(*pf.store.store, *pf.store.keys,
                                                          pf.store.clock);
    config.listen = "127.0.0.1:0";
    config.bind_fail_delay = kBindFailDelay;
    config.status_poll = poll ? 20ms : 0ms;
    config.outbox_poll = 50ms;
    if (tweak) tweak(config);
    poll_ = poll;
    policy_ = policy;
    start_server();
  }
  ~ServerFixture() { stop_server(); }

  /// A new SmppServer on the same database, as after a restart of `diskret serve`: the
  /// outbox is reopened from the file, nothing is kept in memory.
  void restart_server() {
    stop_server();
    start_server();
  }

  void stop_server() {
    if (!server) return;
    pf.pipeline->set_event_sink(nullptr);
    server->stop();
    tee.reset();
    receipts.reset();
    server.reset();
    outbox.reset();
    notes.reset();
  }

  void start_server() {
    auto o = store::sqlite::SqliteSmppOutbox::open(pf.dir.path() / "diskret.db");
    if (!o) throw std::runtime_error(o.error().message());
    outbox = std::move(*o);
    auto n = store::sqlite::SqliteMessageNotes::open(
        dynamic_cast<store::sqlite::SqliteStore&>(*pf.store.store), pf.dir.path() / "diskret.db");
    if (!n) throw std::runtime_error(n.error().message());
    notes = std::move(*n);
    server =
        std::make_unique<SmppServer>(config, *credentials, *tenants, *pf.pipeline, pf.store.clock);
    server->set_send_policy(policy_);
    if (!poll_) {
      receipts = std::make_unique<ReceiptMaker>(*notes, *pf.store.keys);
      tee = std::make_unique<StatusTee>(nullptr, receipts.get(), *server);
      pf.pipeline->set_event_sink(tee.get());
      server->set_outbox(outbox.get(), pf.store.keys.get());
      server->set_message_notes(notes.get());
    }
    auto ok = server->start();
    if (!ok) throw std::runtime_error(ok.error().message());
  }

  CreatedCredential credential(std::uint32_t window = 0, std::uint32_t tps = 0) {
    auto c = credentials->create(pf.tenant, window, tps);
    EXPECT_TRUE(c);
    return *c;
  }

  /// The carrier's receipt for the message with our public id `id`.
  void deliver(const std::string& id, smpp::ReceiptState state = smpp::ReceiptState::delivered) {
    auto parsed = pipeline::parse_message_id(id);
    ASSERT_TRUE(parsed);
    pf.idle();
    auto carrier_ids = pf.carrier.carrier_ids(parsed->value);
    ASSERT_FALSE(carrier_ids.empty());
    for (const auto& cid : carrier_ids) ASSERT_TRUE(pf.carrier.receipt(cid, state));
  }

  pipeline::testing::PipelineFixture pf;
  std::unique_ptr<store::sqlite::SqliteSmppCredentialStore> cred_store;
  std::unique_ptr<CredentialService> credentials;
  std::unique_ptr<tenancy::SqlTenantService> tenants;
  ServerConfig config;
  std::unique_ptr<store::sqlite::SqliteSmppOutbox> outbox;
  std::unique_ptr<store::sqlite::SqliteMessageNotes> notes;
  std::unique_ptr<SmppServer> server;
  std::unique_ptr<ReceiptMaker> receipts;
  std::unique_ptr<StatusTee> tee;
  bool poll_ = false;
  api::SendPolicy* policy_ = nullptr;
};

}  // namespace diskret::smpp_server::test
