#pragma once
/// The cost and segment/encoding summary of a campaign before it starts (issue 7): every
/// recipient's personalised text planned with the send-time rules, counted and priced.
/// Streaming: the audience is read a page of contact ids at a time, so a list of a million
/// contacts is never held in memory.
#include <cstdint>
#include <functional>
#include <string>

#include "campaigns/runner.hpp"
#include "contacts/contact_service.hpp"
#include "store/campaign_store.hpp"

namespace diskret::campaigns {

struct Estimate {
  std::uint64_t recipients = 0;  ///< contacts in the audience (lists minus exclusions)
  std::uint64_t sendable = 0;    ///< of which would be sent today
  std::uint64_t rejected = 0;    ///< refused by the send-time rules (opt-out, consent ...)
  std::uint64_t segments = 0;    ///< billable segments of the sendable ones
  std::int64_t cost_cents = 0;
  std::uint64_t gsm7 = 0, ucs2 = 0;  ///< sendable messages per encoding
  friend bool operator==(const Estimate&, const Estimate&) = default;
};

/// Counts one planned message (pure): rejected ones cost nothing.
void add_to(Estimate& e, const pipeline::NewMessage& m, std::int64_t price_cents);

/// Price in cents of a message to an E.164 number with that many segments.
using PriceFn = std::function<std::int64_t(const std::string& e164, std::uint32_t segments)>;

class CampaignEstimator {
 public:
  CampaignEstimator(store::CampaignStore& campaigns, contacts::ContactService& contacts,
                    Planner& planner, PriceFn price, std::size_t page = 1000)
      : campaigns_(campaigns), contacts_(contacts), planner_(planner), price_(std::move(price)),
        page_(page) {}

  /// Plans every recipient of the campaign's audience (unreadable contacts count as
  /// rejected). Fails when the store, contacts or planner are unavailable.
  /// `keep_going` is asked between pages (shutdown): false stops with Errc::unavailable.
  Expected<Estimate> compute(const store::CampaignRecord& campaign,
                             const std::function<bool()>& keep_going = {});

 private:
  store::CampaignStore& campaigns_;
  contacts::ContactService& contacts_;
  Planner& planner_;
  PriceFn price_;
  std::size_t page_;
};

}  // namespace diskret::campaigns
