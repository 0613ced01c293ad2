#pragma once
/// /v1/campaigns bodies as pure functions: the create body -> a validated CampaignRecord
/// (or a problem naming every bad field; existence of the lists is checked by the caller),
/// and the campaign with its counts -> JSON.
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "http/problem.hpp"
#include "sms/sender_id.hpp"
#include "store/campaign_store.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::api {

inline constexpr std::uint32_t kMaxRatePerMinute = 100'000;
inline constexpr std::uint32_t kDefaultRatePerMinute = 1'000;
inline constexpr std::size_t kMaxCampaignLists = 100;

/// 400 for malformed JSON; 422 naming each field: unknown fields, name (1..200), lists
/// (1..100 positive ids), exclude_lists, from (a valid sender id), template (parses, and
/// renders within the tenant's segment limit), category, send_at (RFC 3339),
/// rate_per_minute (1..100000). status is "draft".
Expected<store::CampaignRecord, http::Problem> parse_campaign_body(
    std::string_view body, const tenancy::TenantSettings& settings, SystemTime now);

/// As POST /v1/messages: an account with verified sender ids may send only from those.
bool sender_allowed(const tenancy::TenantSettings& settings, const sms::SenderId& sender);

/// {id, name, lists, exclude_lists, from, template, category, send_at, rate_per_minute,
///  status, counts: {pending, sent, delivered, failed, rejected}, rejected_reasons,
///  created_at, updated_at}.
std::string render_campaign(const store::CampaignRecord& c, const store::CampaignCounts& counts);

}  // namespace diskret::api
