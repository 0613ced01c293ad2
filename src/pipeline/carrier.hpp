#pragma once
/// The seam between the pipeline and the carriers: where dispatched messages go. The
/// CarrierPool is the real one (pipeline/carrier_pool_link.hpp); tests use fakes. Results
/// come back through the carrier::Handlers of DurablePipeline::carrier_handlers().
#include <vector>

#include "carrier/carrier_pool.hpp"

namespace diskret::pipeline {

class Carrier {
 public:
  virtual ~Carrier() = default;
  /// Takes messages for submission; each later gets exactly one on_outcome (unless the
  /// carrier stops first). Called on the pipeline's writer thread: must not block.
  virtual void submit(std::vector<carrier::OutboundMessage>&& messages) = 0;
  virtual bool any_bound() const = 0;
  /// Nodes (this one included) that share the carriers' TPS limits now (multi-node); each
  /// sends at most its part. Called on the writer thread when the count changes.
  virtual void set_node_count(std::size_t /*nodes*/) {}
};

}  // namespace diskret::pipeline
