#pragma once
/// Adapts a carrier::CarrierPool to the pipeline's Carrier seam. Header-only, so the
/// pipeline library does not link the carrier stack (the app that builds the pool does).
#include <algorithm>
#include <cstddef>
#include <vector>

#include "carrier/carrier_pool.hpp"
#include "pipeline/carrier.hpp"

namespace diskret::pipeline {

class CarrierPoolLink final : public Carrier {
 public:
  explicit CarrierPoolLink(carrier::CarrierPool& pool) : pool_(pool) {}
  // Carrier
  void submit(std::vector<carrier::OutboundMessage>&& messages) override {
    pool_.submit(std::move(messages));
  }
  bool any_bound() const override { return pool_.any_bound(); }
  void set_node_count(std::size_t nodes) override { pool_.set_node_count(nodes); }

 private:
  carrier::CarrierPool& pool_;
};

/// The dispatcher's in-flight limit for a set of carriers: 4 x the sum of their windows.
inline std::size_t in_flight_limit(const std::vector<carrier::CarrierConfig>& carriers) {
  std::size_t windows = 0;
  for (const auto& c : carriers) windows += std::size_t{c.window} * std::max(1u, c.binds);
  return std::max<std::size_t>(4 * windows, 64);
}

}  // namespace diskret::pipeline
