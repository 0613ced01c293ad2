#include "inbound/inbound_module.hpp"

namespace diskret::inbound {

InboundModule::InboundModule(InboundModuleDeps d, InboundModuleConfig config)
    : settings_(d.store, d.inbound),
      queue_(d.webhooks, d.clock),
      intake_(MoIntakeDeps{d.store, d.inbound, d.webhooks, d.audit, d.keys, d.pipeline, d.effects,
                           settings_, queue_, d.clock},
              config.intake),
      worker_(WebhookWorkerDeps{d.store, d.webhooks, d.inbound, d.keys, d.clock}, config.webhooks),
      sink_(d.webhooks, queue_, intake_),
      service_(InboundServiceDeps{d.store, d.inbound, d.webhooks, d.audit, d.keys, settings_,
                                  queue_, d.clock},
               config.webhooks.client.private_hosts) {
  queue_.on_queued([this] { worker_.wake(); });
  queue_.follow_slot([&pipeline = d.pipeline] { return pipeline.id_slot(); });
}

Expected<void> InboundModule::start() {
  if (auto ok = queue_.load(); !ok) return ok;
  if (auto ok = worker_.start(); !ok) return ok;
  if (auto ok = intake_.start(); !ok) {
    worker_.stop();
    return ok;
  }
  return {};
}

void InboundModule::stop() {
  intake_.stop();
  worker_.stop();
}

}  // namespace diskret::inbound
