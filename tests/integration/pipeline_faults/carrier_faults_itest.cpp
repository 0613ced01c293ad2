// Issue 3, "Proven by tests" - the carrier drops the connection every 500 submits and
// throttles 10 % of them: every accepted message still reaches it and ends delivered.
#include <signal.h>

#include <iostream>

#include "integration/pipeline_faults/fault_fixture.hpp"

namespace diskret::test {
namespace {

constexpr std::size_t kMessages = 5'000;
constexpr std::size_t kBatch = 1'000;

TEST_F(PipelineFaultTest, DroppedConnectionsAndThrottlingLoseNothing) {
  ASSERT_NO_FATAL_FAILURE(start_smsc({"--drop-every", "500", "--throttle-ratio", "0.1"}));
  // Short pauses so that the test runs in seconds: with the default 1 s pause after each
  // ESME_RTHROTTLED a bind sends about one window per second (~60 msg/s here).
  write_config("throttle_backoff_ms = 20\nreconnect_min_ms = 50\nreconnect_max_ms = 500\n");
  ASSERT_NO_FATAL_FAILURE(create_tenant());
  ASSERT_NO_FATAL_FAILURE(start_server());

  std::vector<Accepted> accepted;
  for (std::size_t first = 0; first < kMessages; first += kBatch) {
    auto r = post_batch(first, kBatch);
    ASSERT_TRUE(r) << "no answer to batch " << first / kBatch;
    ASSERT_EQ(r->status, 202) << r->body;
    for (auto& a : accepted_of(*r)) accepted.push_back(std::move(a));
  }
  ASSERT_EQ(accepted.size(), kMessages);

  ASSERT_TRUE(eventually([&] { return missing(accepted, acked_by_destination()).empty(); }, 40s))
      << missing(accepted, acked_by_destination()).size() << " missing, e.g. "
      << missing(accepted, acked_by_destination()).front() << "\n"
      << server_->err();
  const auto acked = acked_by_destination();
  EXPECT_EQ(acked.size(), kMessages);

  // The faults happened: throttled and dropped submits are in the simulator's counters.
  const auto stats = smsc_stats();
  const auto throttled = stats.at("throttled").to_number<std::uint64_t>();
  const auto dropped = stats.at("dropped").to_number<std::uint64_t>();
  EXPECT_GE(throttled, kMessages / 10);
  EXPECT_GE(dropped, kMessages / 500 - 1);

  const auto counts = wait_all_delivered(kMessages, 20s);
  EXPECT_EQ(counts.count("delivered") ? counts.at("delivered") : 0, kMessages);
  std::size_t submits = 0;
  for (const auto& [destination, n] : acked) submits += n;
  std::cout << "carrier faults: " << kMessages << " accepted, " << throttled << " throttled, "
            << dropped << " dropped connections, " << submits << " acknowledged submits for "
            << acked.size() << " recipients;";
  for (const auto& [status, n] : counts) std::cout << " " << status << " " << n;
  std::cout << "\n";
  EXPECT_EQ(server_->stop(SIGTERM, 20s), 0) << server_->err();
}

}  // namespace
}  // namespace diskret::test
