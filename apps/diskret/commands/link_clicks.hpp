#pragma once
// A person's per-recipient short-link codes and clicks (issue 12) as privacy::PersonData:
// the export lists them, an erasure deletes them. Used by `diskret serve` (content
// runtime) and by the admin commands (`diskret privacy export|erase`), so that an erasure
// from the command line is as complete as one through the API.
#include <string>
#include <vector>

#include "links/links.hpp"
#include "links/recipient_links.hpp"
#include "privacy/person_data.hpp"

namespace diskret::app {

// A person's link clicks for the privacy module: the clicks of their own codes with the
// link's target; erasure deletes the codes and clicks.
class LinkClicksOfPerson final : public privacy::PersonData {
 public:
  LinkClicksOfPerson(links::RecipientLinkStore& recipients, links::LinkStore& links)
      : recipients_(recipients), links_(links) {}

  // privacy::PersonData
  Expected<std::vector<privacy::ExportLinkClick>> link_clicks(std::uint64_t tenant,
                                                              const store::Blind& blind) override {
    auto rows = recipients_.clicks_of(tenant, as_bytes(blind));
    if (!rows) return unexpected(rows.error());
    std::vector<privacy::ExportLinkClick> out;
    for (const auto& r : *rows) {
      auto link = links_.find(r.link_code);
      if (!link) return unexpected(link.error());
      out.push_back({*link ? (*link)->target : std::string(), r.clicked_ms});
    }
    return out;
  }
  Expected<std::uint64_t> erase(std::uint64_t tenant, const store::Blind& blind) override {
    auto n = recipients_.erase(tenant, as_bytes(blind));
    if (!n) return unexpected(n.error());
    return static_cast<std::uint64_t>(*n);
  }

 private:
  static std::string as_bytes(const store::Blind& b) {
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
  }
  links::RecipientLinkStore& recipients_;
  links::LinkStore& links_;
};

}  // namespace diskret::app
