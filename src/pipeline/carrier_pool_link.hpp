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

/// The dispatcher's in-flight limit for a set of carriers: 16 x the sum of their windows.
/// A message stays in flight until the commit after its submit_sm_resp, and under a flood of
/// large batches a group commit takes a few hundred milliseconds: with 4 x the windows the
/// carriers idled between commits (bench: 4,096 submits/s while batches of 1,000 came in,
/// the rest paged back from disk later; with 16 x, 16,000-18,000/s and 1.15x the
/// end-to-end rate in bench/ab.sh). It also bounds what a crash can send twice.
inline std::size_t in_flight_limit(const std::vector<carrier::CarrierConfig>& carriers) {
  std::size_t windows = 0;
  for (const auto& c : carriers) windows += std::size_t{c.window} * std::max(1u, c.binds);
  return std::max<std::size_t>(16 * windows, 64);
}

}  // namespace diskret::pipeline
