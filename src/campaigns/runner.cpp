#include "campaigns/runner.hpp"

#include <algorithm>
#include <charconv>
#include <future>
#include <memory>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "campaigns/lifecycle.hpp"
#include "campaigns/template.hpp"
#include "core/thread_name.hpp"

namespace diskret::campaigns {
namespace {

// The stored answer of a campaign message: "<message id> <rejection code or ->".
std::string outcome(pipeline::MessageId id, const pipeline::NewMessage& m) {
  return std::to_string(id.value) + ' ' + (m.rejected ? m.rejected->code : std::string("-"));
}

struct Outcome {
  std::uint64_t message_id = 0;
  std::string code;  // empty: accepted for sending
};

std::optional<Outcome> parse_outcome(std::string_view text) {
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  Outcome o;
  if (std::from_chars(text.data(), text.data() + space, o.message_id).ec != std::errc{}) {
    return std::nullopt;
  }
  const auto code = text.substr(space + 1);
  if (code != "-") o.code = std::string(code);
  return o;
}

}  // namespace

std::string idempotency_key(std::uint64_t campaign, std::uint64_t contact) {
  return "campaign " + std::to_string(campaign) + " " + std::to_string(contact);
}

CampaignRunner::CampaignRunner(store::CampaignStore& campaigns, contacts::ContactService& contacts,
                               Planner& planner, pipeline::Pipeline& pipeline, const Clock& clock,
                               RunnerOptions options)
    : campaigns_(campaigns),
      contacts_(contacts),
      planner_(planner),
      pipeline_(pipeline),
      clock_(clock),
      options_(options) {}

CampaignRunner::~CampaignRunner() { stop(); }

void CampaignRunner::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = core::named_thread("campaigns", [this] { run(); });
}

void CampaignRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CampaignRunner::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

void CampaignRunner::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, options_.tick, [this] { return stopping_ || woken_; });
      if (stopping_) return;
      woken_ = false;
    }
    run_once();
  }
}

void CampaignRunner::run_once() {
  auto active = campaigns_.active();
  if (!active) {
    spdlog::warn("campaigns: cannot read the active campaigns: {}", active.error().message());
    return;
  }
  const std::int64_t now_ms = clock_.now_ms();
  std::map<std::uint64_t, Budget> kept;
  for (const auto& campaign : *active) {
    if (auto it = budgets_.find(campaign.id); it != budgets_.end()) kept.insert(*it);
  }
  budgets_ = std::move(kept);  // paused and finished campaigns start afresh
  for (const auto& campaign : *active) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    run_campaign(campaign, now_ms);
  }
}

void CampaignRunner::run_campaign(const store::CampaignRecord& campaign, std::int64_t now_ms) {
  if (campaign.send_at_ms && *campaign.send_at_ms > now_ms) return;
  if (campaign.status == status_name(Status::scheduled)) {
    auto moved = campaigns_.transition(campaign.tenant_id, campaign.id, campaign.status,
                                       status_name(Status::running), now_ms, false);
    if (!moved || !*moved) return;
  }
  // Token bucket: rate_per_minute spread over the minute, bursts of at most 100 ms worth
  // (and at least one message).
  const double per_ms = campaign.rate_per_minute / 60'000.0;
  const double burst = std::max(1.0, per_ms * 100.0);
  auto [it, fresh] = budgets_.try_emplace(campaign.id, Budget{1.0, now_ms});
  Budget& budget = it->second;
  if (!fresh) {
    budget.tokens = std::min(burst, budget.tokens + per_ms * double(now_ms - budget.last_ms));
    budget.last_ms = now_ms;
  }
  const auto take = static_cast<std::size_t>(budget.tokens);
  if (take == 0) return;
  auto pending = campaigns_.pending(campaign.id, take, now_ms);
  if (!pending) return;
  if (pending->empty()) {
    // Done, unless recipients are held by quiet hours.
    auto next = campaigns_.next_pending_at(campaign.id);
    if (!next || *next) return;
    (void)campaigns_.transition(campaign.tenant_id, campaign.id, status_name(Status::running),
                                status_name(Status::completed), now_ms, false);
    budgets_.erase(campaign.id);
    return;
  }
  // The batch's messages are accepted together (one group commit), then their outcomes
  // stored together; a recipient whose accept failed stays pending for the next tick.
  auto tmpl = Template::parse(campaign.template_text);
  std::vector<store::RecipientOutcome> outcomes;
  std::vector<InFlight> flights;
  std::vector<std::pair<std::uint64_t, std::int64_t>> holds;
  std::optional<QuietHours> own;  // the tenant's own quiet hours, read once per tick
  if (options_.tenant_quiet) own = options_.tenant_quiet(campaign.tenant_id);
  const QuietHours& quiet = own ? *own : options_.quiet;
  std::string region = options_.tenant_region ? options_.tenant_region(campaign.tenant_id) : "";
  if (region.empty()) region = "DE";
  for (auto contact : *pending) {
    if (!tmpl) {  // checked at creation; defensive
      outcomes.push_back({contact, store::CampaignRecipientState::rejected, std::nullopt,
                          "invalid_template"});
      continue;
    }
    if (!submit(campaign, *tmpl, contact, now_ms, quiet, region, flights, outcomes, holds)) break;
  }
  if (auto held = campaigns_.hold(campaign.id, holds); !held) {
    spdlog::warn("campaigns: cannot hold recipients of campaign {}: {}", campaign.id,
                 held.error().message());  // they are read again at the next tick
  }
  for (auto& flight : flights) {
    auto accepted = flight.result.get();
    if (!accepted) continue;
    const std::string& answer = accepted->replayed   ? *accepted->replayed
                                : accepted->response ? *accepted->response
                                                     : flight.answer;
    auto o = parse_outcome(answer);
    if (!o) {
      outcomes.push_back({flight.contact, store::CampaignRecipientState::rejected, std::nullopt,
                          "internal"});
      continue;
    }
    outcomes.push_back({flight.contact,
                        o->code.empty() ? store::CampaignRecipientState::sent
                                        : store::CampaignRecipientState::rejected,
                        o->message_id, o->code});
  }
  if (outcomes.empty()) return;
  if (auto ok = campaigns_.mark(campaign.id, outcomes); !ok) {
    spdlog::warn("campaigns: cannot store progress of campaign {}: {}", campaign.id,
                 ok.error().message());
    return;  // the next tick replays them through the idempotency keys
  }
  budget.tokens -= static_cast<double>(outcomes.size());
}

bool CampaignRunner::submit(const store::CampaignRecord& campaign, const Template& tmpl,
                            std::uint64_t contact_id, std::int64_t now_ms,
                            const QuietHours& quiet, const std::string& region,
                            std::vector<InFlight>& flights,
                            std::vector<store::RecipientOutcome>& outcomes,
                            std::vector<std::pair<std::uint64_t, std::int64_t>>& holds) {
  auto contact = contacts_.get(campaign.tenant_id, contact_id);
  if (!contact && contact.error().code == make_error_code(Errc::unavailable)) return false;
  if (!contact) {
    // An erased person (subject key destroyed) or a damaged row: never readable again, so
    // it is settled rather than retried, which would stall the campaign on it.
    outcomes.push_back({contact_id, store::CampaignRecipientState::rejected, std::nullopt,
                        "contact_unreadable"});
    return true;
  }
  if (!*contact || (*contact)->phone.empty()) {
    outcomes.push_back({contact_id, store::CampaignRecipientState::rejected, std::nullopt,
                        "contact_deleted"});
    return true;
  }
  const auto& c = **contact;
  const bool marketing_quiet =
      quiet.enabled &&
      static_cast<pipeline::Category>(campaign.category) == pipeline::Category::marketing;
  // The recipient's zone; unknown or ambiguous ones take the tenant's region's, not UTC.
  const LocalPlace place = !campaign.send_at_local.empty() || marketing_quiet
                               ? place_of(c.phone, region)
                               : LocalPlace{};
  if (!campaign.send_at_local.empty()) {
    // "09:00 in the recipient's local time": held until then in their own zone.
    const auto due = local_time_ms(campaign.send_at_local, place.zone);
    if (due && *due > now_ms) {
      holds.emplace_back(contact_id, *due);
      return true;
    }
  }
  if (marketing_quiet) {
    // Quiet hours in the recipient's own time zone: held, not dropped.
    const auto opens = open_at_ms(now_ms, place.zone, quiet, place.region);
    if (opens > now_ms) {
      holds.emplace_back(contact_id, opens);
      return true;
    }
  }
  std::string text = tmpl.render(Personal{c.first_name, c.last_name, c.fields});
  auto planned = planner_.plan(campaign.tenant_id, c.phone, std::move(text), campaign.sender,
                               static_cast<pipeline::Category>(campaign.category));
  if (!planned) return false;

  pipeline::AcceptRequest accept;
  accept.tenant = pipeline::TenantId{campaign.tenant_id};
  accept.request_id = fmt::format("campaign-{}", campaign.id);
  accept.messages.push_back(std::move(*planned));
  auto ids = pipeline_.preassign(1);
  accept.response = outcome(ids.front(), accept.messages.front());
  accept.render = [id = ids.front()](const std::vector<pipeline::NewMessage>& messages) {
    return outcome(id, messages.front());
  };
  accept.idempotency_key = idempotency_key(campaign.id, contact_id);
  accept.fingerprint = *accept.idempotency_key;
  auto done = std::make_shared<std::promise<Expected<pipeline::AcceptResult>>>();
  flights.push_back(InFlight{contact_id, accept.response, done->get_future()});
  pipeline_.accept(std::move(accept), ids,
                   [done](Expected<pipeline::AcceptResult> r) { done->set_value(std::move(r)); });
  return true;
}

}  // namespace diskret::campaigns
