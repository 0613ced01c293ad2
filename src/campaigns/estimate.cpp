#include "campaigns/estimate.hpp"

#include "campaigns/template.hpp"

namespace diskret::campaigns {

void add_to(Estimate& e, const pipeline::NewMessage& m, std::int64_t price_cents) {
  ++e.recipients;
  if (m.rejected) {
    ++e.rejected;
    return;
  }
  ++e.sendable;
  e.segments += m.segments;
  e.cost_cents += price_cents;
  (m.encoding == "ucs2" ? e.ucs2 : e.gsm7) += 1;
}

Expected<Estimate> CampaignEstimator::compute(const store::CampaignRecord& campaign,
                                              const std::function<bool()>& keep_going) {
  auto tmpl = Template::parse(campaign.template_text);
  if (!tmpl) return fail(Errc::invalid_argument, "the template does not parse");
  const auto category = static_cast<pipeline::Category>(campaign.category);
  Estimate e;
  std::uint64_t after = 0;
  for (;;) {
    if (keep_going && !keep_going()) return fail(Errc::unavailable, "stopped");
    auto ids = campaigns_.audience(campaign.tenant_id, campaign.id, after, page_);
    if (!ids) return unexpected(ids.error());
    for (auto id : *ids) {
      auto contact = contacts_.get(campaign.tenant_id, id);
      if (!contact && contact.error().code == make_error_code(Errc::unavailable)) {
        return unexpected(contact.error());
      }
      if (!contact || !*contact || (*contact)->phone.empty()) {
        ++e.recipients;
        ++e.rejected;
        continue;
      }
      const auto& c = **contact;
      auto planned = planner_.plan(campaign.tenant_id, c.phone,
                                   tmpl->render(Personal{c.first_name, c.last_name, c.fields}),
                                   campaign.sender, category);
      if (!planned) return unexpected(planned.error());
      const auto price =
          planned->rejected || !price_ ? 0 : price_(planned->to, planned->segments);
      add_to(e, *planned, price);
    }
    if (ids->size() < page_) break;
    after = ids->back();
  }
  return e;
}

}  // namespace diskret::campaigns
