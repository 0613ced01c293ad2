#pragma once
/// PersonData: personal data that other modules keep about a person beside the privacy
/// module's own tables, found by the tenant's blind index of the number: the person's
/// export includes it and their erasure deletes it. Today: per-recipient short link
/// clicks (issue 12).
#include <cstdint>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "privacy/export_document.hpp"
#include "store/records.hpp"

namespace diskret::privacy {

class PersonData {
 public:
  virtual ~PersonData() = default;
  /// The person's recorded link clicks, oldest first.
  virtual Expected<std::vector<ExportLinkClick>> link_clicks(std::uint64_t tenant,
                                                             const store::Blind& blind) = 0;
  /// Deletes everything of the person; how many rows (codes) went.
  virtual Expected<std::uint64_t> erase(std::uint64_t tenant, const store::Blind& blind) = 0;
};

}  // namespace diskret::privacy
