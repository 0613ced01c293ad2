#pragma once
/// InboundModule: the inbound half wired together for `diskret serve` and the tests: the
/// pipeline's event sink, the MO intake, the webhook worker and the service the API uses.
/// Start it before the pipeline; stop it after the pipeline (which still hands over MOs
/// and calls back while it stops).
#include <memory>

#include "core/clock.hpp"
#include "inbound/event_sink.hpp"
#include "inbound/inbound_service.hpp"
#include "inbound/keyword_effects.hpp"
#include "inbound/mo_intake.hpp"
#include "inbound/tenant_settings.hpp"
#include "inbound/webhook_queue.hpp"
#include "inbound/webhook_worker.hpp"
#include "pipeline/pipeline.hpp"
#include "store/audit_trail.hpp"
#include "store/inbound_store.hpp"
#include "store/key_ring.hpp"
#include "store/store.hpp"
#include "store/webhook_store.hpp"

namespace diskret::inbound {

struct InboundModuleConfig {
  MoIntakeConfig intake;
  WebhookWorkerConfig webhooks;
};

struct InboundModuleDeps {
  store::Store& store;
  store::InboundStore& inbound;
  store::WebhookStore& webhooks;
  store::AuditTrail& audit;
  store::KeyRing& keys;
  pipeline::Pipeline& pipeline;
  KeywordEffects& effects;
  const Clock& clock;
};

class InboundModule {
 public:
  InboundModule(InboundModuleDeps deps, InboundModuleConfig config = {});

  Expected<void> start();
  void stop();

  pipeline::EventSink& sink() { return sink_; }
  InboundService& service() { return service_; }
  MoIntake& intake() { return intake_; }
  WebhookWorker& webhooks() { return worker_; }
  /// The durable webhook queue (other modules queue events in their transactions).
  WebhookQueue& queue() { return queue_; }

 private:
  TenantSettingsCache settings_;
  WebhookQueue queue_;
  MoIntake intake_;
  WebhookWorker worker_;
  InboundEventSink sink_;
  InboundService service_;
};

}  // namespace diskret::inbound
