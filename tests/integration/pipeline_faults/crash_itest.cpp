// Issue 3, "Proven by tests" - crash: kill -9 `diskret serve` while 20,000 accepted
// messages are being delivered; after a restart on the same data directory every accepted
// message reaches the carrier (the simulator's log), none is missing, and duplicates stay
// within the in-flight window.
#include <signal.h>

#include <iostream>

#include "integration/pipeline_faults/fault_fixture.hpp"

namespace diskret::test {
namespace {

constexpr std::size_t kMessages = 20'000;
constexpr std::size_t kBatch = 1'000;
constexpr std::size_t kInFlight = 256;  // [pipeline] max_in_flight below

TEST_F(PipelineFaultTest, KillNineWhileDeliveringLosesNoAcceptedMessage) {
  ASSERT_NO_FATAL_FAILURE(start_smsc());
  // 2,000 submits/s: 20,000 messages take 10 s to deliver, so the kill lands mid-way.
  write_config("window = 64\ntps = 2000\n",
               "[pipeline]\nmax_in_flight = " + std::to_string(kInFlight) + "\n");
  ASSERT_NO_FATAL_FAILURE(create_tenant());
  ASSERT_NO_FATAL_FAILURE(start_server());

  std::vector<Accepted> accepted;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t first = 0; first < kMessages; first += kBatch) {
    auto r = post_batch(first, kBatch);
    ASSERT_TRUE(r) << "no answer to batch " << first / kBatch;
    ASSERT_EQ(r->status, 202) << r->body;
    for (auto& a : accepted_of(*r)) accepted.push_back(std::move(a));
  }
  const auto accept_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - t0);
  ASSERT_EQ(accepted.size(), kMessages);

  // Delivery is under way: kill once a quarter has reached the carrier.
  ASSERT_TRUE(eventually([&] { return smsc_counter("submits") >= kMessages / 4; }, 30s))
      << server_->err();
  ASSERT_EQ(server_->stop(SIGKILL, 5s), 128 + SIGKILL);
  std::this_thread::sleep_for(200ms);  // the simulator's log catches up
  const auto at_kill = smsc_counter("submits");
  ASSERT_LT(at_kill, kMessages) << "delivery finished before the kill; slow the carrier down";

  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_TRUE(eventually([&] { return missing(accepted, acked_by_destination()).empty(); }, 40s))
      << "missing e.g. " << missing(accepted, acked_by_destination()).front() << "\n"
      << server_->err();

  const auto acked = acked_by_destination();
  std::size_t submits = 0;
  for (const auto& [destination, n] : acked) submits += n;
  EXPECT_EQ(acked.size(), kMessages);  // nothing else reached the carrier
  const std::size_t duplicates = submits - acked.size();
  EXPECT_LE(duplicates, kInFlight);
  std::cout << "crash: accepted " << kMessages << " in " << accept_ms.count() << " ms; killed at "
            << at_kill << " carrier submits; after restart " << submits << " submits for "
            << acked.size() << " recipients, " << duplicates << " duplicate(s)\n";

  // Statuses: every accepted message ends delivered (receipts arrive 20 ms after submit).
  const auto counts = wait_all_delivered(kMessages, 20s);
  for (const auto& [status, n] : counts) std::cout << "crash: " << status << " " << n << "\n";
  EXPECT_EQ(counts.count("delivered") ? counts.at("delivered") : 0, kMessages);
  for (std::size_t i = 0; i < accepted.size(); i += 97) {
    auto m = message(accepted[i].id);
    ASSERT_TRUE(m.is_object()) << accepted[i].id;
    EXPECT_EQ(m.at("to").as_string(), accepted[i].to);
    const auto status = m.at("status").as_string();
    EXPECT_TRUE(status == "submitted" || status == "delivered") << status;
  }
  EXPECT_EQ(server_->stop(SIGTERM, 20s), 0) << server_->err();
}

}  // namespace
}  // namespace diskret::test
