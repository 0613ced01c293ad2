#pragma once
/// CampaignRunner: one thread that sends running campaigns. Each tick (100 ms) it reads
/// the active campaigns, starts scheduled ones whose send_at is due, and enters the next
/// pending recipients of each running one (at most rate_per_minute) into the durable
/// pipeline: the contact is read and the template rendered at send time, and the Planner
/// screens the message exactly like POST /v1/messages (suppression, marketing consent,
/// opt-out text). Every recipient's outcome is stored; the pipeline's idempotency key
/// "campaign <id> <contact>" makes a restart between the two commits replay, not resend.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "campaigns/quiet_hours.hpp"
#include "campaigns/template.hpp"
#include "contacts/contact_service.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "pipeline/message.hpp"
#include "pipeline/pipeline.hpp"
#include "store/campaign_store.hpp"

namespace diskret::campaigns {

/// What a campaign message to one number is, after the same rules as the API: a
/// NewMessage (marked `rejected` with a code when it may not be sent). An Error only when
/// a dependency cannot answer (the recipient stays pending and is tried again).
class Planner {
 public:
  virtual ~Planner() = default;
  virtual Expected<pipeline::NewMessage> plan(std::uint64_t tenant, const std::string& phone,
                                              std::string text, const std::string& sender,
                                              pipeline::Category category) = 0;
};

struct RunnerOptions {
  std::chrono::milliseconds tick{100};
  /// Marketing outside the recipient's local window is held until it opens (off here;
  /// diskret serve sets it from [campaigns] quiet_hours).
  QuietHours quiet;
  /// A tenant's own quiet hours, if it set any; otherwise `quiet` applies.
  std::function<std::optional<QuietHours>(std::uint64_t tenant)> tenant_quiet;
  /// A tenant's default region ("DE"): reads national numbers and gives the time zone of
  /// numbers whose own zone is unknown or ambiguous (see place_of); "DE" when unset.
  std::function<std::string(std::uint64_t tenant)> tenant_region;
};

class CampaignRunner {
 public:
  CampaignRunner(store::CampaignStore& campaigns, contacts::ContactService& contacts,
                 Planner& planner, pipeline::Pipeline& pipeline, const Clock& clock,
                 RunnerOptions options = {});
  ~CampaignRunner();  ///< stops

  void start();
  void stop();  ///< finishes the recipient in hand, then joins
  /// Looks at the campaigns now rather than at the next tick (after a start or resume).
  void wake();

  /// One pass over the active campaigns (the thread's body; public for tests).
  void run_once();

 private:
  void run();
  void run_campaign(const store::CampaignRecord& campaign, std::int64_t now_ms);
  struct InFlight {
    std::uint64_t contact = 0;
    std::string answer;  // the outcome as first rendered
    std::future<Expected<pipeline::AcceptResult>> result;
  };
  /// Reads, renders, screens and hands one recipient to the pipeline (or records why
  /// not); false when a dependency failed: the recipient stays pending.
  bool submit(const store::CampaignRecord& campaign, const Template& tmpl,
              std::uint64_t contact_id, std::int64_t now_ms, const QuietHours& quiet,
              const std::string& region,
              std::vector<InFlight>& flights,
              std::vector<store::RecipientOutcome>& outcomes,
              std::vector<std::pair<std::uint64_t, std::int64_t>>& holds);

  store::CampaignStore& campaigns_;
  contacts::ContactService& contacts_;
  Planner& planner_;
  pipeline::Pipeline& pipeline_;
  const Clock& clock_;
  RunnerOptions options_;

  struct Budget {
    double tokens = 0;
    std::int64_t last_ms = 0;
  };
  std::map<std::uint64_t, Budget> budgets_;  // by campaign id; runner thread only

  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

/// The idempotency key of a campaign message; has spaces, which no API Idempotency-Key
/// may contain, so a client cannot take it first.
std::string idempotency_key(std::uint64_t campaign, std::uint64_t contact);

}  // namespace diskret::campaigns
