#pragma once
/// Storage of campaigns and their per-recipient progress (migration 0060).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/expected.hpp"

namespace diskret::store {

struct CampaignRecord {
  std::uint64_t id = 0;
  std::uint64_t tenant_id = 0;
  std::string name;
  std::vector<std::uint64_t> lists;
  std::vector<std::uint64_t> exclude_lists;
  std::string sender;
  std::string template_text;
  std::uint8_t category = 0;
  std::optional<std::int64_t> send_at_ms;  ///< with send_at_local: the earliest zone's moment
  std::string send_at_local;  ///< "2026-12-01T09:00" in each recipient's zone; "" if none
  std::uint32_t rate_per_minute = 0;
  std::string status;
  std::int64_t created_at = 0;  ///< epoch ms
  std::int64_t updated_at = 0;
};

struct CampaignCounts {
  std::uint64_t pending = 0, sent = 0, delivered = 0, failed = 0, rejected = 0;
  std::vector<std::pair<std::string, std::uint64_t>> rejected_by_reason;
};

enum class CampaignRecipientState : std::uint8_t { pending = 0, sent = 1, rejected = 2 };

/// One line of a campaign's delivery report.
struct RecipientReportRow {
  std::uint64_t contact_id = 0;
  CampaignRecipientState state = CampaignRecipientState::pending;
  std::optional<std::uint64_t> message_id;
  std::string reason;                         ///< why rejected ("" otherwise)
  std::optional<std::uint8_t> message_status;  ///< pipeline::MessageStatus of the message
};

struct RecipientOutcome {
  std::uint64_t contact_id = 0;
  CampaignRecipientState state = CampaignRecipientState::sent;
  std::optional<std::uint64_t> message_id;
  std::string reason;  ///< the rejection code
};

class CampaignStore {
 public:
  virtual ~CampaignStore() = default;
  virtual Expected<std::uint64_t> insert(const CampaignRecord& record) = 0;
  virtual Expected<std::optional<CampaignRecord>> get(std::uint64_t tenant, std::uint64_t id) = 0;
  /// The tenant's campaigns, newest first, ids below `before` (0: from the newest).
  virtual Expected<std::vector<CampaignRecord>> list(std::uint64_t tenant, std::uint64_t before,
                                                     std::size_t limit) = 0;
  /// Compare-and-set of the status; false when it is no longer `from`. With `materialise`,
  /// the recipients are written in the same transaction (members of `lists` of the
  /// campaign's tenant minus members of `exclude_lists`, each contact once).
  virtual Expected<bool> transition(std::uint64_t tenant, std::uint64_t id, const std::string& from,
                                    const std::string& to, std::int64_t now_ms,
                                    bool materialise) = 0;
  /// Campaigns in status scheduled or running, of every tenant.
  virtual Expected<std::vector<CampaignRecord>> active() = 0;
  /// Pending recipients due at `now_ms` (not held past it), contact ids ascending.
  virtual Expected<std::vector<std::uint64_t>> pending(std::uint64_t campaign, std::size_t limit,
                                                       std::int64_t now_ms) = 0;
  /// Holds pending recipients until the given epoch ms (quiet hours).
  virtual Expected<void> hold(std::uint64_t campaign,
                              const std::vector<std::pair<std::uint64_t, std::int64_t>>& until) = 0;
  /// The earliest time a pending recipient is due (0: now); nullopt when none is pending.
  virtual Expected<std::optional<std::int64_t>> next_pending_at(std::uint64_t campaign) = 0;
  /// Stores the outcomes of recipients in one transaction.
  virtual Expected<void> mark(std::uint64_t campaign,
                              const std::vector<RecipientOutcome>& outcomes) = 0;
  /// Every recipient with its outcome and its message's status, by contact id.
  virtual Expected<std::vector<RecipientReportRow>> report(std::uint64_t campaign) = 0;
  /// Progress; delivered and failed follow the statuses of the campaign's messages.
  virtual Expected<CampaignCounts> counts(std::uint64_t campaign) = 0;
  /// The campaign's audience before it is materialised: contact ids (members of its lists
  /// minus members of its excluded lists, the tenant's only) above `after`, ascending, at
  /// most `limit` (for the cost estimate, a page at a time).
  virtual Expected<std::vector<std::uint64_t>> audience(std::uint64_t tenant,
                                                        std::uint64_t campaign,
                                                        std::uint64_t after, std::size_t limit) {
    (void)tenant, (void)campaign, (void)after, (void)limit;
    return fail(Errc::unavailable, "this store cannot list an audience");
  }
  /// The message ids of a campaign (for GET /v1/messages?campaign=), ascending.
  virtual Expected<std::vector<std::uint64_t>> message_ids(std::uint64_t tenant,
                                                           std::uint64_t campaign) = 0;
};

}  // namespace diskret::store
