#pragma once
/// The access and portability request (GDPR art. 15, 20): collects and decrypts everything
/// a tenant holds about one number into a SubjectExport (export_document.hpp), and records
/// the export in the audit trail.
#include <cstdint>
#include <string_view>

#include "privacy/erasure.hpp"
#include "privacy/export_document.hpp"
#include "privacy/person_data.hpp"

namespace diskret::privacy {

class Exporter {
 public:
  explicit Exporter(PrivacyContext context) : c_(context) {}

  /// `e164` must be E.164 already (callers parse it with the tenant's region). Records a
  /// privacy.exported audit entry by `actor`.
  Expected<SubjectExport> collect(std::uint64_t tenant, std::string_view e164, std::string_view actor);

  /// The tenant's retention policy (defaults when it never chose).
  Expected<RetentionPolicy> retention(std::uint64_t tenant);

  /// Data other modules keep about the person (link clicks); set before serving.
  void set_person_data(PersonData* data) { person_data_ = data; }

 private:
  PrivacyContext c_;
  PersonData* person_data_ = nullptr;
};

}  // namespace diskret::privacy
